package dev.sluice.bench;

import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.DemoStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How well Sluice hides an API's latency. Every answer of the demo API takes 50 ms and there is no rate
 * limit; 32 windows run at once, each reading its pages (10 records each) one after another, on a
 * connection with concurrency 32. With 32 requests always in flight the ideal is 32 / 0.05 s = 640 pages
 * a second; the goal is at least 85% of it.
 *
 * <p>Windows are one day (1,440 records, 144 pages, 7.2 s at best), so that a window's own cost (ledger,
 * file commit) is small next to its pages. The baseline in the same run, against its own demo API with
 * the same latency, is the JDK's HttpClient alone: 32 virtual threads each sending the same requests one
 * after another. It tells what the server and the loopback allow, apart from Sluice.
 *
 * <p>Usage: {@code bench/run http-latency [WINDOWS]}, 64 windows (9,216 pages, about 15 s) by default.
 */
public final class HttpLatencyBench {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final int IN_FLIGHT = 32;
    private static final Duration LATENCY = Duration.ofMillis(50);
    private static final int PAGES_PER_WINDOW = 144;

    public static void main(String[] args) throws Exception {
        int windows = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        var data = DemoApiOptions.defaults().withStart(START).withSpacing(Duration.ofMinutes(1)).withCount(windows * 1440L)
                .withLatency(LATENCY);
        double ideal = IN_FLIGHT / (LATENCY.toNanos() / 1e9);
        System.out.printf("ideal: %d in flight / %d ms = %.0f pages/s%n", IN_FLIGHT, LATENCY.toMillis(), ideal);

        try (DemoApi api = DemoApi.start(data.withLatency(Duration.ZERO))) {
            // Warms up the JIT on both paths with no latency; cold, the first thousands of requests are slower.
            rawClient(api.baseUri(), IN_FLIGHT * 60);
            PipelineRun.of(pipeline(api.baseUri(), Math.min(windows, 16))).delete();
        }
        try (DemoApi api = DemoApi.start(data)) {
            int pages = IN_FLIGHT * PAGES_PER_WINDOW;
            long t0 = System.nanoTime();
            rawClient(api.baseUri(), pages);
            double seconds = (System.nanoTime() - t0) / 1e9;
            report("JDK HttpClient alone (baseline)", api.stats(), seconds, ideal);
        }
        try (DemoApi api = DemoApi.start(data)) {
            var run = PipelineRun.of(pipeline(api.baseUri(), windows));
            DemoStats s = report("sluice, parallelism 32, concurrency 32", api.stats(), run.seconds(), ideal);
            if (s.requests() != (long) windows * PAGES_PER_WINDOW || run.records() != windows * 1440L)
                System.out.printf("  (expected %,d requests and %,d records, got %,d records)%n", windows * PAGES_PER_WINDOW,
                        windows * 1440L, run.records());
            run.delete();
        }
    }

    private static DemoStats report(String what, DemoStats s, double seconds, double ideal) {
        double rate = s.requests() / seconds;
        System.out.printf("%-40s %,6d pages in %6.2f s = %5.0f pages/s = %5.1f%% of ideal; server max in flight %d; non-200 answers %d%n",
                what + ":", s.requests(), seconds, rate, 100 * rate / ideal, s.maxInFlight(), s.requests() - s.responses(200));
        return s;
    }

    /** 32 virtual threads, each reading the pages of one day one after another, as a window would. */
    private static void rawClient(URI api, int pages) throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor();
             var client = HttpClient.newBuilder().executor(executor).version(HttpClient.Version.HTTP_1_1).build()) {
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < IN_FLIGHT; t++) {
                Instant since = START.plus(Duration.ofDays(t));
                futures.add(executor.submit(() -> {
                    for (int page = 1; page <= pages / IN_FLIGHT; page++) {
                        var uri = URI.create(api + "/page/records?since=" + since + "&until=" + since.plus(Duration.ofDays(1))
                                + "&page=" + page + "&size=10");
                        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200)
                            throw new IllegalStateException(uri + " answered " + r.statusCode());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures)
                f.get();
        }
    }

    private static String pipeline(URI api, int windows) {
        return """
                name: http-latency
                parallelism: 32
                windows: {cursor: time, start: %s, end: %s, size: 1d}
                connections:
                  demo:
                    base_url: %s
                    concurrency: 32
                    retry: {max_attempts: 5}
                source:
                  type: http
                  connection: demo
                  request: {path: /page/records, query: {since: "{{ window.start }}", until: "{{ window.end }}"}}
                  records: $.data[*]
                  pagination: {type: page_number, size: 10, total: $.total, stop: [total]}
                sink: {type: jsonl, path: out}
                """.formatted(START, START.plus(Duration.ofDays(windows)), api);
    }
}
