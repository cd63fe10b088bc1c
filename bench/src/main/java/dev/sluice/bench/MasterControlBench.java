package dev.sluice.bench;

import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Connectors;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import dev.sluice.testkit.demo.AuthMode;
import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.DemoStats;
import dev.sluice.testkit.demo.MasterControlExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Seed 000's bulk export, as examples/mastercontrol/bulk.yaml ships it, against the MasterControl simulator
 * answering every call in 20 ms and allowing 200 calls a second (a token bucket, 429 beyond). Three runs of
 * the same production records, each against a fresh simulator:
 *
 * <ol>
 *   <li><b>one call at a time</b>, the seed's design: one window, one call in flight, no answer reused;
 *   <li><b>every call made</b>: the example with its answer cache off, so that each record costs its four calls
 *       (five when the fallback is needed), against the rate-limit bound of calls / 200 per second;
 *   <li><b>as shipped</b>: records of one lot share the lot's metadata answer, fetched once.
 * </ol>
 *
 * Each run's output is checked against what the simulator's data says it must be (rows written), and the
 * figures are only printed for runs that succeeded.
 *
 * <p>Usage: {@code bench/run mastercontrol [RECORDS]}, 2,000 records by default.
 */
public final class MasterControlBench {
    private static final Path EXAMPLE = Path.of("examples", "mastercontrol");
    private static final int LIMIT = 200;
    private static final Duration LATENCY = Duration.ofMillis(20);

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 2000;
        var options = DemoApiOptions.masterControl().withCount(records).withPort(0).withAuth(AuthMode.BEARER);
        long expectedRows = expectedRows(options, records);
        // Warm-up against an API with no latency nor limit: the JIT, CEL and the HTTP client.
        run("warm-up", options.withCount(Math.min(records, 400)), Math.min(records, 400), -1, text -> text);
        System.out.printf("MasterControl bulk export of %,d production records, %d ms latency per call, API limit %d calls/s%n",
                records, LATENCY.toMillis(), LIMIT);
        var limited = options.withLatency(LATENCY).withRateLimit(LIMIT);
        Measured one = run("one call at a time (the seed's design)", limited, records, expectedRows,
                text -> noCache(text).replace("concurrency: 16", "concurrency: 1").replace("parallelism: 4", "parallelism: 1"));
        Measured every = run("every call made (cache off)", limited, records, expectedRows, MasterControlBench::noCache);
        Measured shipped = run("as shipped (lot answers shared)", limited, records, expectedRows, text -> text);
        System.out.printf("  => every call made: %.1f s for %,d calls, rate-limit bound %.1f s: %.1f%% over the bound; %.1fx faster than one call at a time%n",
                every.seconds, every.calls(), every.bound(), 100 * (every.seconds / every.bound() - 1), one.seconds / every.seconds);
        System.out.printf("  => as shipped: %.1f s for %,d calls (bound %.1f s), %.1fx faster than one call at a time%n",
                shipped.seconds, shipped.calls(), shipped.bound(), one.seconds / shipped.seconds);
    }

    private record Measured(DemoStats server, double seconds) {
        long calls() {
            return server.requests();
        }

        double bound() {
            return (double) calls() / LIMIT;
        }
    }

    /** The example with the metadata step's answer cache off too (the others keep none already): {@code cache_size: 0}. */
    private static String noCache(String shared) {
        String changed = shared.replace("    empty_reason: Both API calls returned empty\n", "    empty_reason: Both API calls returned empty\n    cache_size: 0\n");
        if (changed.equals(shared))
            throw new IllegalStateException("the example's steps changed: cannot turn their cache off");
        return changed;
    }

    private static long expectedRows(DemoApiOptions options, long records) throws IOException {
        try (DemoApi api = DemoApi.start(options.withCount(records))) {
            var export = new MasterControlExport(api.masterControl());
            long rows = 0;
            for (long id = 1; id <= records; id++)
                rows += export.rows(id).size();
            return rows;
        }
    }

    /** One run of bulk.yaml, its shared steps file changed by {@code edit}, against a fresh simulator. */
    private static Measured run(String what, DemoApiOptions options, long records, long expectedRows, UnaryOperator<String> edit)
            throws IOException {
        Path dir = Files.createTempDirectory("sluice-bench-mc-");
        try (DemoApi api = DemoApi.start(options)) {
            Files.copy(EXAMPLE.resolve("bulk.yaml"), dir.resolve("bulk.yaml"));
            String shared = Files.readString(EXAMPLE.resolve("_mastercontrol.yaml"));
            Files.writeString(dir.resolve("_mastercontrol.yaml"), edit.apply(shared));
            Map<String, String> env = Map.of("MC_BASE_URL", api.baseUri().toString(), "MC_API_TOKEN", DemoApi.BEARER_TOKEN,
                    "MC_END", Long.toString(records + 1), "MC_RATE_LIMIT", LIMIT + "/s");
            PipelineConfig config = new ConfigLoader(name -> Optional.ofNullable(env.get(name)), Connectors.discover())
                    .load(dir.resolve("bulk.yaml"));
            RunResult result;
            long t0;
            double seconds;
            try (var store = StateStores.open(config.stateUrlOrDefault())) {
                t0 = System.nanoTime();
                result = new Runner(config, store, Clock.systemUTC(), RunListener.NONE, new StopSignal(), Leases.currentHolder()).run();
                seconds = (System.nanoTime() - t0) / 1e9;
            }
            if (result.windowsFailed() > 0)
                throw new IllegalStateException(what + ": " + result.windowsFailed() + " windows failed; first: "
                        + result.errors().stream().findFirst().map(Throwable::getMessage).orElse("?"));
            long written = result.counts().written();
            if (expectedRows >= 0 && written != expectedRows)
                throw new IllegalStateException(what + ": wrote " + written + " rows, the simulator's data says " + expectedRows);
            DemoStats s = api.stats();
            var m = new Measured(s, seconds);
            if (expectedRows >= 0)
                System.out.printf("%-40s %,6d calls in %6.1f s = %5.1f calls/s (bound %5.1f s); 429s %d; server max in flight %d; %,d rows in %,d lot files%n",
                        what + ":", s.requests(), seconds, s.requests() / seconds, m.bound(), s.tooManyRequests(), s.maxInFlight(),
                        written, csvFiles(dir.resolve("out/bulk")));
            return m;
        } finally {
            PipelineRun.deleteTree(dir);
        }
    }

    private static long csvFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".csv")).count();
        }
    }
}
