package dev.sluice.bench;

import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.DemoStats;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * How close Sluice comes to an API's rate limit without going over it. The demo API allows 200
 * requests a second (a token bucket with a burst of 20, 429 beyond) and the connection says
 * {@code rate_limit: 200/s}. Windows of one hour hold 60 records read 10 a page, so each window is 6
 * requests, and 16 windows run at once: requests, not bytes or latency, set the pace. The goal is at
 * least 95% of 200/s with no 429.
 *
 * <p>The baseline in the same run is the same pipeline with no limit on either side, on fewer windows:
 * how fast Sluice goes when nothing holds it back, so that the limit is known to be what binds.
 *
 * <p>Usage: {@code bench/run http-rate [WINDOWS]}, 1,000 windows (6,000 requests, about 30 s) by default.
 */
public final class HttpRateBench {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final int PAGES_PER_WINDOW = 6;
    private static final int LIMIT = 200;

    public static void main(String[] args) throws Exception {
        int windows = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        var data = DemoApiOptions.defaults().withStart(START).withSpacing(Duration.ofMinutes(1)).withCount(windows * 60L);
        int few = Math.min(windows, 200);
        measure(null, data, "", few); // warms up the JIT: cold, the first 1,200 requests take 3 to 4 times as long
        measure("no limit anywhere (baseline)", data, "", few);
        Measured m = measure("rate_limit 200/s, API limit 200/s", data.withRateLimit(LIMIT), "rate_limit: " + LIMIT + "/s", windows);
        System.out.printf("  => %.1f%% of %d/s, 429s received: %d (goal: >= 95%% with no 429)%n",
                100 * m.rate() / LIMIT, LIMIT, m.server().tooManyRequests());
    }

    private record Measured(DemoStats server, double seconds) {
        double rate() {
            return server.requests() / seconds;
        }
    }

    /** One run against its own demo API; prints a line unless {@code what} is null. */
    private static Measured measure(String what, DemoApiOptions options, String rateLimit, int windows) throws Exception {
        try (DemoApi api = DemoApi.start(options)) {
            var run = PipelineRun.of(pipeline(api.baseUri(), windows, rateLimit));
            run.delete();
            var m = new Measured(api.stats(), run.seconds());
            if (what == null)
                return m;
            DemoStats s = m.server();
            System.out.printf("%-36s %,6d requests in %6.2f s = %6.1f requests/s; 429s %d; %,d records in %,d windows; server max in flight %d%n",
                    what + ":", s.requests(), run.seconds(), m.rate(), s.tooManyRequests(), run.records(), run.result().windowsSucceeded(),
                    s.maxInFlight());
            if (s.requests() != (long) windows * PAGES_PER_WINDOW || run.records() != windows * 60L)
                System.out.printf("  (expected %,d requests and %,d records)%n", windows * PAGES_PER_WINDOW, windows * 60L);
            return m;
        }
    }

    private static String pipeline(URI api, int windows, String rateLimit) {
        return """
                name: http-rate
                parallelism: 16
                windows: {cursor: time, start: %s, end: %s, size: 1h}
                connections:
                  demo:
                    base_url: %s
                    concurrency: 16
                    retry: {max_attempts: 5}
                    %s
                source:
                  type: http
                  connection: demo
                  request: {path: /page/records, query: {since: "{{ window.start }}", until: "{{ window.end }}"}}
                  records: $.data[*]
                  pagination: {type: page_number, size: 10, total: $.total, stop: [total]}
                sink: {type: jsonl, path: out}
                """.formatted(START, START.plus(Duration.ofHours(windows)), api, rateLimit);
    }
}
