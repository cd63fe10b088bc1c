package dev.sluice.bench;

import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One run of a pipeline, given as the text of its file, in a fresh temporary folder (its own SQLite
 * state, its output under {@code out/}), timed from the start of {@link Runner#run()} to its end: loading
 * the file and opening the state store are left out. Fails when a window failed, so that a benchmark
 * never reports the speed of an error.
 *
 * @param dir the folder of the pipeline file; delete it with {@link #delete()}
 */
public record PipelineRun(RunResult result, double seconds, Path dir) {
    static {
        // Flyway logs each migration of a new state file through java.util.logging: keep the figures readable.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }

    public static PipelineRun of(String yaml) throws IOException {
        Path dir = Files.createTempDirectory("sluice-bench-");
        Path file = dir.resolve("bench.yaml");
        Files.writeString(file, yaml);
        PipelineConfig config = ConfigLoader.standard().load(file, yaml);
        try (var store = StateStores.open("sqlite:" + dir.resolve("state.db"))) {
            long t0 = System.nanoTime();
            RunResult r = new Runner(config, store, Clock.systemUTC(), RunListener.NONE, new StopSignal(), Leases.currentHolder()).run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (r.windowsFailed() > 0 || r.windowsSucceeded() == 0)
                throw new IllegalStateException("the benchmark's pipeline did not succeed: " + r.status().label() + ", "
                        + r.windowsFailed() + " windows failed" + r.errors().stream().findFirst().map(e -> ", first: " + e.getMessage()).orElse(""));
            return new PipelineRun(r, seconds, dir);
        }
    }

    public long records() {
        return result.counts().written();
    }

    /** Removes the folder and everything in it. */
    public void delete() {
        deleteTree(dir);
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList())
                Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double median(double... values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
