package dev.sluice.connectors.generate;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceProvider;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Span;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code source: {type: generate}}: made-up records for demos, benchmarks and crash tests.
 *
 * <pre>
 * source:
 *   type: generate
 *   every: 1m              # a record every minute since the epoch (time windows); default 1m
 *   pause_per_record: 0s   # sleep before each record, to slow a run down; default 0s
 *   page_size: 1000        # records per page; default 1000
 *   fields: 3              # payload fields besides id and ts; default 3
 *   count: 10              # records of a snapshot, only with cursor: none; default 10
 * </pre>
 */
public final class GenerateSourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "generate";
    }

    @Override
    public Set<CursorKind> cursors() {
        return EnumSet.allOf(CursorKind.class);
    }

    @Override
    public Source bind(ConfigObject config, CursorKind cursor) {
        config.has("type"); // chose this provider
        var defaults = GenerateSourceConfig.defaults();
        Duration every = config.span("every").flatMap(s -> validEvery(config, s)).orElse(defaults.every());
        Duration pause = config.duration("pause_per_record").orElse(defaults.pausePerRecord());
        int pageSize = config.integer("page_size", 1, 1_000_000).map(Long::intValue).orElse(defaults.pageSize());
        int fields = config.integer("fields", 0, GenerateSourceConfig.MAX_FIELDS).map(Long::intValue).orElse(defaults.fields());
        long count = config.integer("count", 0, Long.MAX_VALUE).orElse(defaults.count());
        if (config.has("count") && cursor != CursorKind.NONE)
            config.problem("count", "count is the size of a snapshot and applies only with cursor: none; with cursor: "
                    + cursor.label() + " the window decides which records there are, so remove count");
        config.finish();
        return new GenerateSource(new GenerateSourceConfig(every, pause, pageSize, fields, count));
    }

    private static Optional<Duration> validEvery(ConfigObject config, Span span) {
        Duration d = span.approximate();
        if (d.isZero()) {
            config.problem("every", "must be more than zero, e.g. every: 1m");
            return Optional.empty();
        }
        if (d.getNano() % 1_000_000 != 0) {
            config.problem("every", "must be whole milliseconds, e.g. every: 1500ms");
            return Optional.empty();
        }
        return Optional.of(d);
    }
}
