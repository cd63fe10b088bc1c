package dev.sluice.core.config;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.schedule.Schedule;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import dev.sluice.core.window.Align;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Span;
import dev.sluice.core.window.WindowSettings;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a pipeline file into a {@link PipelineConfig}, once: every value typed, every key known,
 * every problem of the file reported together with its line and column and what would be valid.
 */
public final class ConfigLoader {
    private final Function<String, Optional<String>> environment;
    private final Connectors connectors;

    public ConfigLoader(Function<String, Optional<String>> environment, Connectors connectors) {
        this.environment = environment;
        this.connectors = connectors;
    }

    /** A loader that reads the process environment and the connectors on the class path. */
    public static ConfigLoader standard() {
        return new ConfigLoader(name -> Optional.ofNullable(System.getenv(name)), Connectors.discover());
    }

    public PipelineConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SluiceException(ErrorCode.USAGE, "pipeline file " + file + " does not exist; check the path");
        } catch (MalformedInputException e) {
            throw new SluiceException(ErrorCode.CONFIG_INVALID, file + " is not UTF-8 text; save it as UTF-8");
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.USAGE, "cannot read pipeline file " + file + ": " + e.getMessage(), e);
        }
        return load(file, text);
    }

    /** Binds {@code text} as if it were the content of {@code file}. */
    public PipelineConfig load(Path file, String text) {
        String label = file.getFileName().toString();
        return document(file, text, label + " is empty; a pipeline needs at least windows, source and sink", true,
                (top, source) -> bind(top, file, label, source));
    }

    /**
     * Binds a YAML file other than a pipeline (such as the service's settings) with the same rules:
     * {@code ${env:...}} and {@code ${file:...}} interpolation, unknown keys refused, and every problem
     * reported at once with its line and column. {@code what} names the document in messages.
     */
    public <T> T loadDocument(Path file, String text, String what, Function<ConfigObject, T> binder) {
        return document(file, text, file.getFileName() + " is empty; " + what + " needs at least one key", false,
                (top, source) -> binder.apply(top));
    }

    private <T> T document(Path file, String text, String whenEmpty, boolean includes, BiFunction<ConfigObject, ConfigSource, T> binder) {
        String label = file.getFileName().toString();
        var problems = new ConfigProblems(label);
        Path baseDir = file.toAbsolutePath().getParent();
        var source = new ConfigSource(baseDir, problems, new Interpolator(environment, baseDir));
        MappingNode root = parse(label, text, problems);
        if (root == null) {
            problems.throwIfAny();
            throw new SluiceException(ErrorCode.CONFIG_INVALID, whenEmpty);
        }
        if (includes)
            root = Includes.merge(root, baseDir, problems, ConfigLoader::parse);
        var top = new ConfigObject(source, "", root);
        T bound = binder.apply(top, source);
        top.finish();
        problems.throwIfAny();
        return bound;
    }

    static MappingNode parse(String label, String text, ConfigProblems problems) {
        try {
            var settings = LoadSettings.builder().setLabel(label).setAllowDuplicateKeys(true).build();
            var composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
            Optional<Node> node = composer.getSingleNode();
            if (node.isEmpty())
                return null;
            if (!(node.get() instanceof MappingNode m)) {
                var mark = node.get().getStartMark();
                problems.add(mark.map(x -> x.getLine() + 1).orElse(0), mark.map(x -> x.getColumn() + 1).orElse(0), "",
                        "a pipeline file must be a mapping of keys (name, windows, source, sink, ...)");
                return null;
            }
            return m;
        } catch (MarkedYamlEngineException e) {
            var mark = e.getProblemMark().or(e::getContextMark);
            problems.add(mark.map(x -> x.getLine() + 1).orElse(0), mark.map(x -> x.getColumn() + 1).orElse(0), "",
                    "not valid YAML: " + e.getProblem() + "; check the indentation and quoting here");
            return null;
        } catch (YamlEngineException e) {
            problems.add(0, 0, "", "not valid YAML: " + e.getMessage());
            return null;
        }
    }

    private PipelineConfig bind(ConfigObject top, Path file, String label, ConfigSource fileSource) {
        String defaultName = label.replaceFirst("\\.(ya?ml)$", "");
        String name = top.string("name").orElse(defaultName);
        if (!PipelineId.isValid(name))
            top.problem(top.has("name") ? "name" : "", "'" + name + "' is not a valid pipeline name: use 1 to 100 letters, digits, '.', "
                    + "'_' or '-'" + (top.has("name") ? "" : " (the name comes from the file name; set name: to choose another)"));
        String description = top.string("description").orElse("");
        Optional<String> state = top.string("state");
        state.ifPresent(url -> checkStateUrl(top, url));
        int parallelism = top.integer("parallelism", 1, 64).orElse(1L).intValue();

        WindowSettings windows = top.object("windows").map(ConfigLoader::bindWindows).orElse(null);
        if (!top.has("windows"))
            top.problem("missing required key 'windows', e.g. windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}");
        CursorKind cursor = windows == null ? CursorKind.TIME : windows.cursor();
        ServiceSettings service = bindService(top, windows == null ? ZoneOffset.UTC : windows.zone(), cursor);
        top.object("connections").ifPresent(c -> {
            for (String connection : c.keys()) {
                if (!NAME.matcher(connection).matches())
                    c.problem(connection, "'" + connection + "' is not a valid connection name; use letters, digits, '_' and '-'");
                c.object(connection).ifPresent(definition -> fileSource.defineConnection(connection, definition));
            }
        });

        var source = section(top, "source", "generate, every: 1m", connectors.sources(), (provider, s) -> {
            if (provider.cursors().contains(cursor))
                return provider.bind(s, cursor);
            s.problem("type", "source type '" + provider.type() + "' cannot read windows of cursor " + cursor.label() + "; it supports "
                    + provider.cursors().stream().map(CursorKind::label).sorted().toList());
            s.keys();
            return null;
        });
        List<PipelineConfig.PipelineStep> steps = bindSteps(top);
        var sink = section(top, "sink", "jsonl, path: out", connectors.sinks(), (provider, s) -> provider.bind(s));
        for (String unused : fileSource.unusedConnections())
            top.problem("connections", "connection '" + unused + "' is not used by the source, a step or the sink; remove it or name it with connection: " + unused);
        Source src = source == null ? null : source.bound();
        String sourceType = source == null ? null : source.type();
        Sink sinkBound = sink == null ? null : sink.bound();
        String sinkType = sink == null ? null : sink.type();
        if (windows == null || src == null || sinkBound == null || steps == null || !PipelineId.isValid(name))
            return null;
        return new PipelineConfig(new PipelineId(name), file, description, state, windows, sourceType, src, sinkType, sinkBound, steps,
                parallelism, service);
    }

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Binds {@code steps:}, in order; returns null when one of them is wrong (the problems are reported). */
    private List<PipelineConfig.PipelineStep> bindSteps(ConfigObject top) {
        Optional<List<ConfigObject>> items = top.objects("steps");
        if (items.isEmpty())
            return List.of();
        var steps = new ArrayList<PipelineConfig.PipelineStep>();
        var names = new java.util.HashSet<String>();
        boolean ok = true;
        String available = String.join(", ", new TreeSet<>(connectors.steps().keySet()));
        for (ConfigObject item : items.get()) {
            String type = item.required("type", connectors.steps().isEmpty() ? "http" : connectors.steps().keySet().iterator().next());
            String name = item.string("name").orElse(type + "-" + (steps.size() + 1));
            if (!NAME.matcher(name).matches())
                item.problem("name", "'" + name + "' is not a valid step name; use letters, digits, '_' and '-'");
            else if (!names.add(name))
                item.problem("name", "two steps are named '" + name + "'; give each step its own name");
            StepProvider provider = type == null ? null : connectors.steps().get(type);
            if (type != null && provider == null) {
                item.problem("type", "unknown step type '" + type + "'; available: " + (available.isEmpty() ? "none" : available));
                item.keys();
            }
            Step step = provider == null ? null : provider.bind(name, item);
            item.finish();
            if (step == null)
                ok = false;
            else
                steps.add(new PipelineConfig.PipelineStep(name, type, step));
        }
        return ok ? List.copyOf(steps) : null;
    }

    private record Bound<T>(String type, T bound) {
    }

    /**
     * Binds the {@code source:} or {@code sink:} section: its {@code type} picks the provider, which reads
     * the rest. Returns null when something is wrong; the problems are reported.
     */
    private static <P, T> Bound<T> section(ConfigObject top, String key, String example, Map<String, P> providers,
                                           BiFunction<P, ConfigObject, T> bind) {
        String available = String.join(", ", new TreeSet<>(providers.keySet()));
        Optional<ConfigObject> node = top.object(key);
        if (node.isEmpty()) {
            if (!top.has(key))
                top.problem("missing required key '" + key + "', e.g. " + key + ": {type: " + example + "}; " + key + " types: " + available);
            return null;
        }
        ConfigObject s = node.get();
        String type = s.required("type", example.split(",")[0]);
        T bound = null;
        if (type != null) {
            P provider = providers.get(type);
            if (provider == null) {
                s.problem("type", "unknown " + key + " type '" + type + "'; available: " + available);
                s.keys(); // the keys of an unknown type are not reported one by one
            } else {
                bound = bind.apply(provider, s);
            }
        }
        s.finish();
        return bound == null ? null : new Bound<>(type, bound);
    }

    private static void checkStateUrl(ConfigObject top, String url) {
        if (!(url.startsWith("sqlite:") || url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql:") || url.startsWith("postgresql:") || url.startsWith("postgres:")))
            top.problem("state", "'" + url + "' is not a state URL; use sqlite:PATH or a PostgreSQL JDBC URL such as "
                    + "jdbc:postgresql://localhost:5432/sluice");
    }

    /**
     * Binds the keys {@code sluice serve} reads: {@code schedule}, {@code enabled} and {@code alerts}. A cron
     * schedule is read in {@code windowsZone} unless it names its own timezone. What is wrong is reported
     * and left out.
     */
    static ServiceSettings bindService(ConfigObject top, ZoneId windowsZone, CursorKind cursor) {
        Optional<Schedule> schedule = top.object("schedule").flatMap(s -> bindSchedule(s, windowsZone));
        boolean enabled = top.bool("enabled").orElse(true);
        Optional<Duration> warning = Optional.empty(), critical = Optional.empty();
        boolean muted = false;
        Optional<ConfigObject> alerts = top.object("alerts");
        if (alerts.isPresent()) {
            ConfigObject a = alerts.get();
            Optional<ConfigObject> lag = a.object("lag");
            if (lag.isPresent()) {
                ConfigObject l = lag.get();
                warning = positive(l, "warning", "2h");
                critical = positive(l, "critical", "6h");
                if (!l.has("warning") && !l.has("critical"))
                    l.problem("give warning, critical or both, e.g. lag: {warning: 2h, critical: 6h}");
                if (warning.isPresent() && critical.isPresent() && warning.get().compareTo(critical.get()) >= 0) {
                    l.problem("warning", "warning " + Span.ofDuration(warning.get()) + " must be shorter than critical "
                            + Span.ofDuration(critical.get()) + ": the warning comes first, e.g. lag: {warning: 2h, critical: 6h}");
                    critical = Optional.empty();
                }
                if (cursor == CursorKind.ID)
                    a.problem("lag", "a lag alert measures now minus the watermark's time, and the watermark of an id cursor is an id; "
                            + "remove alerts.lag, or use cursor: time");
                l.finish();
            }
            muted = a.bool("mute").orElse(false);
            a.finish();
        }
        return new ServiceSettings(schedule, enabled, warning, critical, muted);
    }

    /** Binds {@code schedule:}; empty when something is wrong (the problems are reported). */
    private static Optional<Schedule> bindSchedule(ConfigObject s, ZoneId windowsZone) {
        Optional<String> cron = s.string("cron");
        ZoneId zone = s.zone("timezone").orElse(windowsZone);
        Optional<Duration> every = s.duration("every");
        Optional<Duration> jitter = positive(s, "jitter", "30s");
        s.finish();
        String example = "e.g. schedule: {cron: \"*/15 * * * *\", timezone: Europe/Paris} or schedule: {every: 5m}";
        if (s.has("cron") && s.has("every")) {
            s.problem("every", "give either cron or every, not both: cron runs at the times it names, every runs an interval after "
                    + "the previous run was due; " + example);
            return Optional.empty();
        }
        for (String key : List.of("cron", "every"))
            if (s.blank(key))
                s.problem(key, key + " has no value; " + example);
        if (!s.has("cron") && !s.has("every"))
            s.problem("a schedule needs cron or every; " + example);
        if (s.has("every") && s.has("timezone"))
            s.problem("timezone", "timezone applies to cron only (an interval is the same in every zone); remove it or use cron");
        Optional<Schedule> bound;
        try {
            bound = cron.isPresent() ? Optional.of(Schedule.cron(cron.get(), zone)) : every.map(Schedule::every);
        } catch (IllegalArgumentException e) {
            s.problem(cron.isPresent() ? "cron" : "every", e.getMessage());
            return Optional.empty();
        }
        try {
            return jitter.isEmpty() ? bound : bound.map(b -> b.withJitter(jitter.get()));
        } catch (IllegalArgumentException e) {
            s.problem("jitter", e.getMessage());
            return Optional.empty();
        }
    }

    /** A duration that must be more than zero; a zero is reported and left out. */
    private static Optional<Duration> positive(ConfigObject o, String key, String example) {
        Optional<Duration> d = o.duration(key);
        if (d.isPresent() && d.get().isZero()) {
            o.problem(key, "must be more than zero, e.g. " + key + ": " + example + "; leave " + key + " out for none");
            return Optional.empty();
        }
        return d;
    }

    static WindowSettings bindWindows(ConfigObject w) {
        CursorKind cursor = w.choice("cursor", CursorKind.class).orElse(CursorKind.TIME);
        ZoneId zone = w.zone("timezone").orElse(ZoneOffset.UTC);
        Align align = w.choice("align", Align.class).orElse(Align.NONE);
        Duration lag = w.duration("lag").orElse(Duration.ZERO);
        OptionalInt maxWindows = w.integer("max_windows", 1, Integer.MAX_VALUE).map(v -> OptionalInt.of(v.intValue())).orElse(OptionalInt.empty());
        boolean partial = w.bool("partial").orElse(true);
        Optional<Span> back = w.object("target_day").flatMap(t -> {
            Optional<Span> b = t.span("back");
            if (!t.has("back"))
                t.problem("missing required key 'back': how far before now the target day lies, e.g. back: 1d");
            t.finish();
            return b;
        });
        Optional<Instant> startTime = Optional.empty(), endTime = Optional.empty();
        OptionalLong startId = OptionalLong.empty(), endId = OptionalLong.empty(), idSize = OptionalLong.empty();
        Optional<Span> size = Optional.empty();
        boolean ok = true;
        switch (cursor) {
            case TIME -> {
                startTime = instant(w, "start", zone);
                endTime = instant(w, "end", zone);
                size = w.span("size");
                if (size.isPresent() && size.get().isZero()) {
                    w.problem("size", "must be more than zero, e.g. size: 1h; leave size out for one window up to the upper bound");
                    ok = false;
                }
                if (w.has("target_day") && (w.has("start") || w.has("end"))) {
                    w.problem("target_day", "target_day replaces start and end; remove start and end, or target_day");
                    ok = false;
                } else if (!w.has("target_day") && !w.has("start")) {
                    w.problem("a time cursor needs start: (the first instant to read, e.g. start: 2025-01-01T00:00:00Z, or a local "
                            + "date such as 2025-01-01 in timezone) or target_day: {back: 1d}");
                    ok = false;
                }
                if (startTime.isPresent() && endTime.isPresent() && !startTime.get().isBefore(endTime.get())) {
                    w.problem("end", "end " + endTime.get() + " must be after start " + startTime.get());
                    ok = false;
                }
            }
            case ID -> {
                startId = w.integer("start", Long.MIN_VALUE, Long.MAX_VALUE).map(OptionalLong::of).orElse(OptionalLong.empty());
                endId = w.integer("end", Long.MIN_VALUE, Long.MAX_VALUE).map(OptionalLong::of).orElse(OptionalLong.empty());
                idSize = w.integer("size", 1, Long.MAX_VALUE).map(OptionalLong::of).orElse(OptionalLong.empty());
                if (!w.has("start") || !w.has("end")) {
                    w.problem("an id cursor needs start and end (end is exclusive: ids 1 to 60000 are start: 1, end: 60001)");
                    ok = false;
                }
                if (startId.isPresent() && endId.isPresent() && startId.getAsLong() >= endId.getAsLong()) {
                    w.problem("end", "end " + endId.getAsLong() + " must be above start " + startId.getAsLong() + " (end is exclusive)");
                    ok = false;
                }
                for (String timeOnly : new String[] {"target_day", "lag", "timezone", "align", "partial"})
                    if (w.has(timeOnly))
                        w.problem(timeOnly, timeOnly + " applies to time cursors only; remove it or use cursor: time");
            }
            case NONE -> {
                for (String windowed : new String[] {"start", "end", "size", "target_day", "lag", "timezone", "align", "max_windows", "partial"})
                    if (w.has(windowed))
                        w.problem(windowed, windowed + " has no meaning with cursor: none (every run takes a whole snapshot); remove it");
            }
        }
        if (!partial && size.isEmpty() && align == Align.NONE && cursor == CursorKind.TIME)
            w.problem("partial", "partial: false waits for whole windows, which needs size: (or align:) to say how long one is, e.g. size: 6h");
        w.finish();
        if (!ok || (cursor == CursorKind.TIME && startTime.isEmpty() && back.isEmpty())
                || (cursor == CursorKind.ID && (startId.isEmpty() || endId.isEmpty())))
            return null;
        try {
            return new WindowSettings(cursor, startTime, endTime, startId, endId, back, size, idSize, lag, zone, align, maxWindows, partial);
        } catch (IllegalArgumentException e) {
            w.problem(e.getMessage());
            return null;
        }
    }

    /** An instant written with Z or an offset, or a local date-time or date read in {@code zone}. */
    private static Optional<Instant> instant(ConfigObject w, String key, ZoneId zone) {
        Optional<String> text = w.string(key);
        if (text.isEmpty())
            return Optional.empty();
        String s = text.get().trim();
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeException ignored) {
            // not with an offset: try local forms
        }
        try {
            return Optional.of(LocalDateTime.parse(s).atZone(zone).toInstant());
        } catch (DateTimeException ignored) {
            // not a local date-time
        }
        try {
            return Optional.of(LocalDate.parse(s).atStartOfDay(zone).toInstant());
        } catch (DateTimeException e) {
            w.problem(key, "'" + s + "' is not a date or time; write 2025-06-30T07:00:00Z (UTC), 2025-06-30T00:00:00-07:00, "
                    + "or a local 2025-06-30 / 2025-06-30T00:00 read in windows.timezone");
            return Optional.empty();
        }
    }
}
