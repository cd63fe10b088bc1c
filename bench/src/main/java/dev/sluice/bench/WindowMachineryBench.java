package dev.sluice.bench;

import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.runner.WorkPlan;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A year of 1-minute windows (525,600) from an empty source through the runner, the SQLite state
 * store and the jsonl sink, in windows per second. The baseline in the same run is planning alone,
 * which bounds what the machinery could reach without the books.
 *
 * <p>Usage: {@code bench/run windows [parallelism]}.
 */
public final class WindowMachineryBench {
    public static void main(String[] args) throws Exception {
        int parallelism = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Path dir = Files.createTempDirectory("sluice-bench-");
        Path file = dir.resolve("year.yaml");
        Files.writeString(file, """
                name: year-of-minutes
                parallelism: %d
                windows:
                  cursor: time
                  start: 2025-01-01T00:00:00Z
                  end: 2026-01-01T00:00:00Z
                  size: 1m
                source:
                  type: empty
                sink:
                  type: jsonl
                  path: out
                """.formatted(parallelism));
        PipelineConfig config = ConfigLoader.standard().load(file);
        Clock clock = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

        long p0 = System.nanoTime();
        int planned = WorkPlan.fromWatermark(config.windows(), Optional.empty(), clock.instant()).windows().size();
        double planSeconds = (System.nanoTime() - p0) / 1e9;

        try (var store = StateStores.open("sqlite:" + dir.resolve("state.db"))) {
            long t0 = System.nanoTime();
            RunResult r = new Runner(config, store, clock, RunListener.NONE, new StopSignal(), Leases.currentHolder()).run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("planning alone:   %,d windows in %.2f s = %,.0f windows/s%n", planned, planSeconds, planned / planSeconds);
            System.out.printf("run (SQLite, parallelism %d): %,d windows in %.2f s = %,.0f windows/s (status %s, state file %,d KiB)%n",
                    parallelism, r.windowsSucceeded(), seconds, r.windowsSucceeded() / seconds, r.status().label(),
                    Files.size(dir.resolve("state.db")) / 1024);
        }
    }
}
