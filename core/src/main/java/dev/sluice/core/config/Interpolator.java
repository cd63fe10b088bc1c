package dev.sluice.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${env:NAME}} and {@code ${file:PATH}} in scalar values. {@code $${} stays a literal
 * {@code ${}. A file's content is used without its trailing newline; a relative path is taken from the
 * pipeline file's folder.
 */
final class Interpolator {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([a-z]+):([^}]*)}");

    private final Function<String, Optional<String>> environment;
    private final Path baseDir;

    Interpolator(Function<String, Optional<String>> environment, Path baseDir) {
        this.environment = environment;
        this.baseDir = baseDir;
    }

    /** The result, or an error message naming what is missing. */
    Result apply(String text) {
        if (text.indexOf('$') < 0)
            return new Result(text, null, false);
        Matcher m = REFERENCE.matcher(text);
        var out = new StringBuilder();
        boolean substituted = false;
        while (m.find()) {
            if (m.group().equals("$${")) {
                m.appendReplacement(out, Matcher.quoteReplacement("${"));
                continue;
            }
            String kind = m.group(1), name = m.group(2).trim();
            String value;
            switch (kind) {
                case "env" -> {
                    // ${env:NAME:-fallback}, as in the shell: the fallback when NAME is unset or empty.
                    int dash = name.indexOf(":-");
                    String fallback = dash < 0 ? null : name.substring(dash + 2);
                    if (dash >= 0)
                        name = name.substring(0, dash).trim();
                    var v = environment.apply(name).filter(x -> fallback == null || !x.isEmpty());
                    if (v.isEmpty() && fallback != null) {
                        // A written-out fallback is not a secret: it stays quotable in messages.
                        m.appendReplacement(out, Matcher.quoteReplacement(fallback));
                        continue;
                    }
                    if (v.isEmpty())
                        return new Result(null, "environment variable " + name + " is not set; set it, or remove ${env:" + name + "}", false);
                    value = v.get();
                }
                case "file" -> {
                    Path p = baseDir.resolve(name);
                    try {
                        value = Files.readString(p).stripTrailing();
                    } catch (IOException e) {
                        return new Result(null, "cannot read file " + name + " named by ${file:" + name + "} ("
                                + e.getClass().getSimpleName() + "); create it or fix the path (relative paths start at the pipeline file's folder)", false);
                    }
                }
                default -> {
                    return new Result(null, "unknown reference ${" + kind + ":...}; use ${env:NAME} or ${file:PATH} (write $${ for a literal ${)", false);
                }
            }
            substituted = true;
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return new Result(out.toString(), null, substituted);
    }

    record Result(String value, String error, boolean substituted) {
    }
}
