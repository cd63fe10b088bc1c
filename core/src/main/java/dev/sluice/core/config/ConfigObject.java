package dev.sluice.core.config;

import dev.sluice.core.Secret;
import dev.sluice.core.window.Span;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One mapping of a pipeline file, read key by key into typed values. Every read that fails adds a
 * problem with the file, line, column and what would be valid, and returns empty, so that binding
 * goes on and all problems of a file are reported together. {@link #finish()} reports keys that no
 * one read as unknown, with the valid ones.
 */
public final class ConfigObject {
    private final ConfigSource file;
    private final String path;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new LinkedHashSet<>();
    private final Set<String> reported = new LinkedHashSet<>();

    ConfigObject(ConfigSource file, String path, MappingNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                report(t.getKeyNode(), path, "keys must be plain names");
                continue;
            }
            if (entries.putIfAbsent(k.getValue(), t) != null)
                report(k, child(k.getValue()), "this key appears twice; keep one");
        }
    }

    /** The key path of this object, such as {@code source}; empty at the top. */
    public String path() {
        return path;
    }

    /** Folder of the pipeline file: relative paths in it start here. */
    public Path baseDir() {
        return file.baseDir();
    }

    public boolean has(String key) {
        read.add(key);
        return entries.containsKey(key);
    }

    /**
     * True when {@code key} is present with nothing after it ({@code key:} alone), which the typed reads
     * return as empty, as if the key were absent.
     */
    public boolean blank(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        return t != null && t.getValueNode() instanceof ScalarNode sn && sn.getTag().getValue().endsWith(":null");
    }

    /** The keys present, in file order (each counts as read). */
    public List<String> keys() {
        read.addAll(entries.keySet());
        return List.copyOf(entries.keySet());
    }

    public Optional<String> string(String key) {
        return scalar(key).map(ScalarText::value);
    }

    /** A value that must never be printed, typically written as ${env:NAME} or ${file:PATH}. */
    public Optional<Secret> secret(String key) {
        return string(key).map(Secret::new);
    }

    public String required(String key, String example) {
        read.add(key);
        if (!entries.containsKey(key)) {
            problem("missing required key '" + key + "', e.g. " + key + ": " + example);
            return null;
        }
        return string(key).orElse(null);
    }

    public Optional<Long> integer(String key, long min, long max) {
        var s = scalar(key);
        if (s.isEmpty())
            return Optional.empty();
        try {
            long v = Long.parseLong(s.get().value().replace("_", ""));
            if (v < min || v > max) {
                report(s.get().node(), child(key), "must be between " + min + " and " + max + ", was " + v);
                return Optional.empty();
            }
            return Optional.of(v);
        } catch (NumberFormatException e) {
            report(s.get().node(), child(key), s.get().shown() + " is not a whole number, e.g. " + key + ": " + Math.max(min, 1));
            return Optional.empty();
        }
    }

    public Optional<Boolean> bool(String key) {
        var s = scalar(key);
        if (s.isEmpty())
            return Optional.empty();
        return switch (s.get().value().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Optional.of(true);
            case "false", "no", "off" -> Optional.of(false);
            default -> {
                report(s.get().node(), child(key), s.get().shown() + " is not true or false");
                yield Optional.empty();
            }
        };
    }

    /** A length of time with whole calendar days kept apart: 1d2h30m20s or ISO-8601. */
    public Optional<Span> span(String key) {
        var s = scalar(key);
        if (s.isEmpty())
            return Optional.empty();
        try {
            return Optional.of(Span.parse(s.get().value()));
        } catch (IllegalArgumentException e) {
            report(s.get().node(), child(key), s.get().substituted() ? s.get().shown() + " is not a duration; write it as 1d2h30m20s or PT3H" : e.getMessage());
            return Optional.empty();
        }
    }

    /** A length of elapsed time (a day counts as 24 hours): 1d2h30m20s or ISO-8601. */
    public Optional<Duration> duration(String key) {
        return span(key).map(Span::approximate);
    }

    public Optional<ZoneId> zone(String key) {
        var s = scalar(key);
        if (s.isEmpty())
            return Optional.empty();
        try {
            return Optional.of(ZoneId.of(s.get().value()));
        } catch (DateTimeException e) {
            report(s.get().node(), child(key), s.get().shown() + " is not an IANA time zone; use a name such as "
                    + "America/New_York, Europe/Paris or UTC");
            return Optional.empty();
        }
    }

    /** A path; a relative one is taken from the pipeline file's folder. */
    public Optional<Path> file(String key) {
        return string(key).map(v -> baseDir().resolve(v).normalize());
    }

    public <E extends Enum<E>> Optional<E> choice(String key, Class<E> type) {
        var s = scalar(key);
        if (s.isEmpty())
            return Optional.empty();
        String wanted = s.get().value().trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants())
            if (e.name().toLowerCase(Locale.ROOT).equals(wanted))
                return Optional.of(e);
        report(s.get().node(), child(key), s.get().shown() + " is not valid; use one of: " + labels(type));
        return Optional.empty();
    }

    public Optional<List<String>> strings(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null)
            return Optional.empty();
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            report(t.getValueNode(), child(key), "must be a list, e.g. " + key + ": [a, b]");
            return Optional.empty();
        }
        var out = new ArrayList<String>();
        for (Node n : seq.getValue()) {
            if (!(n instanceof ScalarNode sn)) {
                report(n, child(key), "list items must be plain values");
                continue;
            }
            text(sn, child(key)).ifPresent(out::add);
        }
        return Optional.of(List.copyOf(out));
    }

    public Optional<ConfigObject> object(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null)
            return Optional.empty();
        if (!(t.getValueNode() instanceof MappingNode m)) {
            report(t.getValueNode(), child(key), "must be a mapping of keys to values (key: value on the lines below, indented)");
            return Optional.empty();
        }
        return Optional.of(new ConfigObject(file, child(key), m));
    }

    /**
     * A list of mappings, such as {@code steps:} or {@code fallbacks:}; an item that is not a mapping is
     * reported and left out.
     */
    public Optional<List<ConfigObject>> objects(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null)
            return Optional.empty();
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            report(t.getValueNode(), child(key), "must be a list of mappings, each item starting with '- '");
            return Optional.empty();
        }
        var out = new ArrayList<ConfigObject>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node n = seq.getValue().get(i);
            String at = child(key) + "[" + i + "]";
            if (n instanceof MappingNode m)
                out.add(new ConfigObject(file, at, m));
            else
                report(n, at, "must be a mapping of keys to values");
        }
        return Optional.of(List.copyOf(out));
    }

    /** A mapping of names to plain values, such as {@code headers:} or {@code query:}, in file order. */
    public Optional<Map<String, String>> stringMap(String key) {
        return object(key).map(o -> {
            var out = new LinkedHashMap<String, String>();
            for (String k : o.keys())
                o.string(k).ifPresent(v -> out.put(k, v));
            return java.util.Collections.unmodifiableMap(out);
        });
    }

    /**
     * The value of {@code key} as a JSON tree (mappings, lists and scalars, with ${env:} and ${file:}
     * interpolated), for values such as a request body. Scalars the YAML would read as numbers or
     * booleans stay numbers and booleans.
     */
    public Optional<tools.jackson.databind.JsonNode> json(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null)
            return Optional.empty();
        return Optional.of(toJson(t.getValueNode(), child(key)));
    }

    private tools.jackson.databind.JsonNode toJson(Node n, String at) {
        var f = tools.jackson.databind.node.JsonNodeFactory.instance;
        if (n instanceof MappingNode m) {
            var o = f.objectNode();
            for (NodeTuple t : m.getValue())
                if (t.getKeyNode() instanceof ScalarNode k)
                    o.set(k.getValue(), toJson(t.getValueNode(), at + "." + k.getValue()));
            return o;
        }
        if (n instanceof SequenceNode s) {
            var a = f.arrayNode();
            s.getValue().forEach(item -> a.add(toJson(item, at)));
            return a;
        }
        var sn = (ScalarNode) n;
        String tag = sn.getTag().getValue();
        if (tag.endsWith(":null"))
            return f.nullNode();
        String v = text(sn, at).orElse("");
        if (tag.endsWith(":int"))
            return f.numberNode(new java.math.BigInteger(v.replace("_", "")));
        if (tag.endsWith(":float"))
            return f.numberNode(new java.math.BigDecimal(v.replace("_", "")));
        if (tag.endsWith(":bool"))
            return f.booleanNode(Boolean.parseBoolean(v.toLowerCase(Locale.ROOT)));
        return f.stringNode(v);
    }

    /**
     * The named connection that the value of {@code key} refers to (such as {@code connection: api}),
     * bound by {@code binder} from its entry under the file's {@code connections:} the first time any
     * source, sink or step names it, and the same object for everything that names it afterwards, so
     * that a rate limit or a token cache is shared. Reports an unknown name or a connection of another
     * kind here, and returns empty.
     */
    public <T> Optional<T> connection(String key, Class<T> type, java.util.function.Function<ConfigObject, T> binder) {
        Optional<String> name = string(key);
        if (name.isEmpty())
            return Optional.empty();
        Optional<Object> value = file.connection(name.get(), binder);
        if (file.definition(name.get()) == null) {
            var names = file.connectionNames();
            problem(key, "no connection named '" + name.get() + "'; " + (names.isEmpty()
                    ? "define it under connections: at the top of the file, e.g. connections: {" + name.get() + ": {base_url: https://api.example.com}}"
                    : "defined connections: " + String.join(", ", names)));
            return Optional.empty();
        }
        if (value.isPresent() && !type.isInstance(value.get())) {
            problem(key, "connection '" + name.get() + "' is not a " + type.getSimpleName() + " and cannot be used here");
            return Optional.empty();
        }
        return value.map(type::cast);
    }

    /** Reports a problem with the value of {@code key} (or with this object when the key is absent). */
    public void problem(String key, String message) {
        NodeTuple t = entries.get(key);
        report(t == null ? node : t.getValueNode(), t == null ? path : child(key), message);
    }

    /** Reports a problem with this object as a whole. */
    public void problem(String message) {
        report(node, path, message);
    }

    /**
     * Reports every key that was never read as unknown, naming the valid keys and the closest one.
     * Calling it again reports only keys not reported before.
     */
    public void finish() {
        for (var e : entries.entrySet()) {
            if (read.contains(e.getKey()) || !reported.add(e.getKey()))
                continue; // read, or already reported by an earlier finish()
            String valid = String.join(", ", read);
            String hint = closest(e.getKey(), read).map(c -> " (did you mean '" + c + "'?)").orElse("");
            report(e.getValue().getKeyNode(), child(e.getKey()), "unknown key" + hint + "; valid keys here: " + valid);
        }
    }

    private Optional<ScalarText> scalar(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        if (t == null)
            return Optional.empty();
        Node v = t.getValueNode();
        if (!(v instanceof ScalarNode sn)) {
            report(v, child(key), "must be a single value, not a " + (v instanceof MappingNode ? "mapping" : "list"));
            return Optional.empty();
        }
        if (sn.getTag().getValue().endsWith(":null")) // an empty value, as in "key:" with nothing after it
            return Optional.empty();
        var r = file.interpolator().apply(sn.getValue());
        if (r.error() != null) {
            report(sn, child(key), r.error());
            return Optional.empty();
        }
        return Optional.of(new ScalarText(r.value(), sn, r.substituted()));
    }

    private Optional<String> text(ScalarNode sn, String at) {
        var r = file.interpolator().apply(sn.getValue());
        if (r.error() != null) {
            report(sn, at, r.error());
            return Optional.empty();
        }
        return Optional.of(r.value());
    }

    private void report(Node n, String at, String message) {
        var mark = n.getStartMark();
        int line = mark.map(m -> m.getLine() + 1).orElse(0);
        int col = mark.map(m -> m.getColumn() + 1).orElse(0);
        // A node from an included file carries that file's name in its mark.
        Optional<String> from = mark.map(m -> m.getName()).filter(name -> !name.isEmpty() && !name.equals("reader"));
        if (from.isPresent())
            file.problems().add(from.get(), line, col, at, message);
        else
            file.problems().add(line, col, at, message);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static <E extends Enum<E>> String labels(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    static Optional<String> closest(String key, Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(key, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    /** A scalar's value; {@code shown()} is what a message may quote: never a value that came from ${env:} or ${file:}. */
    private record ScalarText(String value, ScalarNode node, boolean substituted) {
        String shown() {
            return substituted ? "the value of '" + node.getValue() + "'" : "'" + value + "'";
        }
    }
}
