package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A text with placeholders such as {@code {{ window.start | epoch_ms }}} or {@code {{ record.lot }}}.
 * Parsed once when the pipeline is loaded, so that an unknown variable or filter is reported with
 * its line and column; rendered for each request.
 *
 * <p>Variables: {@code window.start}, {@code window.end} (instants of a time window, or the ids of an
 * id window, end exclusive), {@code window.last} (the last id of an id window: end - 1),
 * {@code record.PATH} (a field of the current record in a step: {@code record.lot},
 * {@code record.items[0].id}), {@code page.number}, {@code page.offset}, {@code page.size},
 * {@code page.cursor} (in sources and steps), and in the HTTP sink {@code batch.number}, {@code batch.count}, {@code batch.key} and
 * {@code pipeline.name}. Filters, applied left to right: {@code iso}, {@code epoch}, {@code epoch_ms},
 * {@code date}, {@code format(PATTERN)}, {@code zone(ZONE)}.
 */
final class Template {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}");
    private static final Pattern VARIABLE = Pattern.compile("(window|record|page|batch|pipeline)((?:\\.[A-Za-z_$][\\w$-]*|\\[\\d+])+)");
    private static final Pattern FILTER = Pattern.compile("([a-z_]+)(?:\\((.*)\\))?");

    private final String text;
    private final List<Object> parts; // String literals and Placeholders

    private Template(String text, List<Object> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    /** How instants are written when a placeholder has no filter of its own. */
    record TimeFormat(Optional<String> filter, Optional<String> pattern, ZoneId zone) {
        static final TimeFormat ISO_UTC = new TimeFormat(Optional.empty(), Optional.empty(), java.time.ZoneOffset.UTC);
    }

    /** The values a template can name; {@code record} is empty outside steps. */
    interface Scope {
        Optional<Object> window(String name);

        Optional<JsonNode> record(String path);

        Optional<Object> page(String name);

        /** batch.number, batch.count and batch.key: known in the HTTP sink only. */
        default Optional<Object> batch(String name) {
            return Optional.empty();
        }

        /** pipeline.name: known in the HTTP sink only. */
        default Optional<Object> pipeline(String name) {
            return Optional.empty();
        }
    }

    /** Where each family of variables is known, for messages. */
    private static final java.util.Map<String, String> KNOWN_IN = java.util.Map.of(
            "window", "in sources, steps and the http sink", "record", "in steps", "page", "in sources and steps",
            "batch", "in the http sink", "pipeline", "in the http sink");

    private record Placeholder(String source, String root, String path, List<String[]> filters) {
    }

    /**
     * Parses {@code text}; each problem goes to {@code problems} with a message saying what would be
     * valid. {@code roots} are the variable families allowed here (a source has no record).
     */
    static Template parse(String text, List<String> roots, Consumer<String> problems) {
        requireNonNull(text, "text is null");
        var parts = new ArrayList<Object>();
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            if (m.start() > at)
                parts.add(text.substring(at, m.start()));
            at = m.end();
            String[] pieces = m.group(1).split("\\|");
            String name = pieces[0].strip();
            if (name.equals("records")) {
                problems.accept("'{{ records }}' must stand alone as a value of the http sink's body (records: \"{{ records }}\"), "
                        + "where the records go; it cannot be part of a text, a path, a query or a header");
                continue;
            }
            Matcher v = VARIABLE.matcher(name);
            if (!v.matches()) {
                problems.accept("'{{" + m.group(1) + "}}' names no variable; use " + String.join(", ", examples(roots)));
                continue;
            }
            String root = v.group(1);
            String path = v.group(2).startsWith(".") ? v.group(2).substring(1) : v.group(2);
            if (!roots.contains(root)) {
                problems.accept("'" + name + "' cannot be used here; " + root + ".* is only known " + KNOWN_IN.get(root)
                        + "; use " + String.join(", ", examples(roots)));
                continue;
            }
            if (root.equals("window") && !List.of("start", "end", "last").contains(path)) {
                problems.accept("unknown variable '" + name + "'; a window has window.start, window.end and window.last");
                continue;
            }
            if (root.equals("page") && !List.of("number", "offset", "size", "cursor").contains(path)) {
                problems.accept("unknown variable '" + name + "'; pages have page.number, page.offset, page.size and page.cursor");
                continue;
            }
            if (root.equals("batch") && !List.of("number", "count", "key").contains(path)) {
                problems.accept("unknown variable '" + name + "'; a batch has batch.number, batch.count and batch.key");
                continue;
            }
            if (root.equals("pipeline") && !path.equals("name")) {
                problems.accept("unknown variable '" + name + "'; a pipeline has pipeline.name");
                continue;
            }
            var filters = new ArrayList<String[]>();
            for (int i = 1; i < pieces.length; i++) {
                Matcher f = FILTER.matcher(pieces[i].strip());
                String fname = f.matches() ? f.group(1) : pieces[i].strip();
                String arg = f.matches() ? f.group(2) : null;
                switch (fname) {
                    case "iso", "epoch", "epoch_ms", "date" -> filters.add(new String[] {fname, null});
                    case "format" -> {
                        if (arg == null || !validPattern(arg))
                            problems.accept("format needs a date-time pattern, e.g. format(yyyy-MM-dd HH:mm:ss)" + (arg == null ? "" : "; '" + arg + "' is not one"));
                        else
                            filters.add(new String[] {fname, arg});
                    }
                    case "zone" -> {
                        if (arg == null || !validZone(arg))
                            problems.accept("zone needs an IANA time zone, e.g. zone(America/New_York)" + (arg == null ? "" : "; '" + arg + "' is not one"));
                        else
                            filters.add(new String[] {fname, arg});
                    }
                    default -> problems.accept("unknown filter '" + pieces[i].strip() + "' in '{{" + m.group(1)
                            + "}}'; use iso, epoch, epoch_ms, date, format(PATTERN) or zone(ZONE)");
                }
            }
            parts.add(new Placeholder(m.group(), root, path, List.copyOf(filters)));
        }
        if (at < text.length())
            parts.add(text.substring(at));
        return new Template(text, parts);
    }

    private static List<String> examples(List<String> roots) {
        var out = new ArrayList<String>();
        if (roots.contains("window")) out.add("{{ window.start }}, {{ window.end }}");
        if (roots.contains("record")) out.add("{{ record.FIELD }}");
        if (roots.contains("page")) out.add("{{ page.number }}, {{ page.offset }}, {{ page.size }}, {{ page.cursor }}");
        if (roots.contains("batch")) out.add("{{ batch.number }}, {{ batch.count }}, {{ batch.key }}");
        if (roots.contains("pipeline")) out.add("{{ pipeline.name }}");
        return out;
    }

    static boolean validPattern(String pattern) {
        try {
            DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean validZone(String zone) {
        try {
            ZoneId.of(zone);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** window.start, window.end and window.last of {@code w}: instants of a time window, ids of an id window. */
    static Optional<Object> windowValue(dev.sluice.core.window.Window w, String name) {
        return switch (w) {
            case dev.sluice.core.window.TimeWindow t -> switch (name) {
                case "start" -> Optional.of(t.start());
                case "end" -> Optional.of(t.end());
                default -> Optional.empty();
            };
            case dev.sluice.core.window.IdWindow i -> switch (name) {
                case "start" -> Optional.of(i.start());
                case "end" -> Optional.of(i.end());
                case "last" -> Optional.of(i.end() - 1);
                default -> Optional.empty();
            };
            default -> Optional.empty();
        };
    }

    boolean uses(String root) {
        return parts.stream().anyMatch(p -> p instanceof Placeholder ph && ph.root.equals(root));
    }

    boolean isConstant() {
        return parts.stream().noneMatch(p -> p instanceof Placeholder);
    }

    String text() {
        return text;
    }

    /** The rendered text; with {@code pathSegment} each value is percent-encoded to stay inside one path segment. */
    String render(Scope scope, TimeFormat defaults, boolean pathSegment) {
        if (parts.size() == 1 && parts.getFirst() instanceof String s)
            return s;
        var out = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.append(s);
                continue;
            }
            String value = asText(value((Placeholder) p, scope, defaults));
            out.append(pathSegment ? URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20") : value);
        }
        return out.toString();
    }

    /**
     * The rendered value as JSON: a template that is exactly one placeholder keeps the value's type
     * (a number stays a number); anything else is a string.
     */
    JsonNode renderJson(Scope scope, TimeFormat defaults) {
        if (parts.size() == 1 && parts.getFirst() instanceof Placeholder p) {
            Object v = value(p, scope, defaults);
            if (v instanceof JsonNode n)
                return n;
            if (v instanceof Long l)
                return JsonNodeFactory.instance.numberNode(l);
        }
        return JsonNodeFactory.instance.stringNode(render(scope, defaults, false));
    }

    private static String asText(Object v) {
        if (v instanceof JsonNode n)
            return n.isString() ? n.asString() : n.toString();
        return String.valueOf(v);
    }

    private static Object value(Placeholder p, Scope scope, TimeFormat defaults) {
        Object v = switch (p.root) {
            case "window" -> scope.window(p.path).orElseThrow(() -> missing(p, "this window has no " + p.path));
            case "page" -> scope.page(p.path).orElseThrow(() -> missing(p, "this pagination has no page." + p.path));
            case "batch" -> scope.batch(p.path).orElseThrow(() -> missing(p, "there is no batch." + p.path + " here"));
            case "pipeline" -> scope.pipeline(p.path).orElseThrow(() -> missing(p, "there is no pipeline." + p.path + " here"));
            default -> scope.record(p.path).orElseThrow(() -> missing(p, "the record has no field '" + p.path + "'"));
        };
        if (v instanceof Instant instant)
            return formatInstant(instant, p.filters, defaults);
        return v;
    }

    private static SluiceException missing(Placeholder p, String why) {
        return new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "cannot fill in " + p.source + ": " + why);
    }

    private static Object formatInstant(Instant instant, List<String[]> filters, TimeFormat defaults) {
        ZoneId zone = defaults.zone();
        String kind = defaults.filter().orElse(defaults.pattern().isPresent() ? "format" : "iso");
        String pattern = defaults.pattern().orElse(null);
        for (String[] f : filters) {
            switch (f[0]) {
                case "zone" -> zone = ZoneId.of(f[1]);
                case "format" -> {
                    kind = "format";
                    pattern = f[1];
                }
                default -> kind = f[0];
            }
        }
        return switch (kind) {
            case "epoch" -> instant.getEpochSecond();
            case "epoch_ms" -> instant.toEpochMilli();
            case "date" -> instant.atZone(zone).toLocalDate().toString();
            case "format" -> DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(instant.atZone(zone));
            default -> zone.equals(java.time.ZoneOffset.UTC) ? instant.toString()
                    : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(zone));
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
