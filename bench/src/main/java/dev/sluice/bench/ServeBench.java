package dev.sluice.bench;

import dev.sluice.core.PipelineId;
import dev.sluice.core.state.RunKind;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.StateStore;
import dev.sluice.server.Server;
import dev.sluice.state.StateStores;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sluice serve} under load: PIPELINES pipelines on one-minute cron schedules (with 30 s of
 * jitter) read the demo API for MINUTES minutes, while a client asks the REST API for pipelines, runs
 * and windows back to back. Afterwards the books are read: every minute tick of every pipeline must
 * have exactly one run, and no two runs of one pipeline may overlap. Prints the API's latency
 * percentiles as the client saw them, and the heap in use after a full collection each minute.
 *
 * <p>Usage: {@code ServeBench DEMO_API_PORT [PIPELINES] [MINUTES] [STATE_URL]}; the state defaults to
 * a SQLite file shared by every pipeline (the default of a folder of pipelines).
 */
public final class ServeBench {
    private static final Pattern SCHEDULED = Pattern.compile("scheduled for (\\S+?)(,|$)");

    public static void main(String[] args) throws Exception {
        int demoPort = Integer.parseInt(args[0]);
        int pipelines = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int minutes = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path dir = Files.createTempDirectory("sluice-serve-bench");
        String state = args.length > 3 ? args[3] : "sqlite:" + dir.resolve("state.db");
        Instant windowsFrom = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
        for (int i = 1; i <= pipelines; i++)
            Files.writeString(dir.resolve(name(i) + ".yaml"), """
                    name: %s
                    state: "%s"
                    windows: {cursor: time, start: %s, size: 1m, lag: 5s}
                    connections:
                      demo: {base_url: "http://127.0.0.1:%d", rate_limit: 500/s}
                    source:
                      type: http
                      connection: demo
                      request: {path: /page/records, query: {since: "{{ window.start }}", until: "{{ window.end }}"}}
                      records: $.data[*]
                      pagination: {type: page_number, size: 100, total: $.total, stop: [total]}
                    sink: {type: jsonl, path: out/%s}
                    schedule: {cron: "* * * * *", jitter: 30s}
                    """.formatted(name(i), state, windowsFrom, demoPort, name(i)));
        Path settings = dir.resolve("_serve.yaml");
        Files.writeString(settings, "listen: 127.0.0.1:0\nmax_concurrent_runs: 32\n");

        var api = new LatencyProbe();
        var heap = new ArrayList<String>();
        Instant started;
        Instant ended;
        try (Server server = Server.start(dir, Optional.of(settings), Optional.empty(), Optional.empty())) {
            System.out.println("serve: " + server.describe());
            started = Instant.now();
            Thread client = Thread.ofPlatform().name("api-client").start(() -> api.run(server.port(), pipelines));
            for (int m = 1; m <= minutes; m++) {
                Thread.sleep(Duration.ofMinutes(1));
                String h = "minute " + m + ": heap in use after a full GC " + heapAfterFullGc() + " MB, API " + api.summary();
                heap.add(h);
                System.out.println(h);
            }
            ended = Instant.now();
            api.stop.set(true);
            client.join();
            System.out.println("schedule lateness (start minus due time with its jitter): " + lateness(server.port()));
        }
        verify(state, pipelines, started, ended);
        System.out.println("API latency over the run: " + api.summary());
    }

    private static String name(int i) {
        return "p%03d".formatted(i);
    }

    /** Checks the books: one run per minute tick per pipeline, no overlap. */
    private static void verify(String state, int pipelines, Instant started, Instant ended) {
        // Ticks fully inside the measured span: the first whole minute after the start, up to a minute before the end.
        Instant first = started.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant last = ended.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        long ticks = Duration.between(first, last).toMinutes() + 1;
        long missed = 0, doubled = 0, overlaps = 0, runs = 0, records = 0, failed = 0;
        try (StateStore store = StateStores.open(state)) {
            for (int i = 1; i <= pipelines; i++) {
                List<RunRecord> all = new ArrayList<>(store.runs(new PipelineId(name(i)), 10_000));
                Collections.reverse(all);
                runs += all.size();
                var dues = new ArrayList<Instant>();
                for (RunRecord r : all) {
                    records += r.totals().counts().written();
                    if (r.totals().windowsFailed() > 0)
                        failed++;
                    Matcher m = SCHEDULED.matcher(r.details());
                    if (r.kind() == RunKind.RUN && m.find())
                        dues.add(Instant.parse(m.group(1)));
                }
                for (long t = 0; t < ticks; t++) {
                    Instant tick = first.plus(Duration.ofMinutes(t));
                    long n = dues.stream().filter(tick::equals).count();
                    if (n == 0)
                        missed++;
                    if (n > 1)
                        doubled++;
                }
                for (int k = 1; k < all.size(); k++) {
                    Instant previousEnd = all.get(k - 1).finishedAt().orElse(Instant.MAX);
                    if (all.get(k).startedAt().isBefore(previousEnd))
                        overlaps++;
                }
            }
        }
        System.out.printf("books: %d pipelines x %d minute ticks: %d runs, %d records written, %d missed ticks, %d doubled ticks,"
                + " %d overlapping runs, %d runs with failed windows%n", pipelines, ticks, runs, records, missed, doubled, overlaps, failed);
    }

    /** The live heap: what a full collection leaves (one short pause a minute, on purpose, to measure it). */
    private static long heapAfterFullGc() {
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed() / (1024 * 1024);
    }

    private static String lateness(int port) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double count = metric(metrics, "sluice_schedule_lateness_seconds_count");
        double sum = metric(metrics, "sluice_schedule_lateness_seconds_sum");
        double max = metric(metrics, "sluice_schedule_lateness_seconds_max");
        return "%d starts, mean %.0f ms, max %.0f ms".formatted((long) count, count == 0 ? 0 : sum / count * 1000, max * 1000);
    }

    private static double metric(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }

    /** Asks the API for pages a dashboard reads, back to back, and keeps each answer's latency. */
    private static final class LatencyProbe {
        final AtomicBoolean stop = new AtomicBoolean();
        private final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        private volatile long errors;

        void run(int port, int pipelines) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            long i = 0;
            while (!stop.get()) {
                String p = name((int) (i % pipelines) + 1);
                String path = switch ((int) (i % 5)) {
                    case 0 -> "/api/v1/pipelines";
                    case 1 -> "/api/v1/pipelines/" + p;
                    case 2 -> "/api/v1/pipelines/" + p + "/windows?limit=200";
                    case 3 -> "/api/v1/pipelines/" + p + "/runs?limit=20";
                    default -> "/metrics";
                };
                i++;
                long t0 = System.nanoTime();
                try {
                    var r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
                    nanos.add(System.nanoTime() - t0);
                    if (r.statusCode() != 200)
                        errors++;
                    Thread.sleep(50); // a dashboard's pace, not a flood: about 15 requests a second
                } catch (Exception e) {
                    errors++;
                }
            }
        }

        String summary() {
            List<Long> copy;
            synchronized (nanos) {
                copy = new ArrayList<>(nanos);
            }
            if (copy.isEmpty())
                return "no requests yet";
            Collections.sort(copy);
            return "%d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors".formatted(copy.size(), ms(copy, 0.50), ms(copy, 0.99),
                    copy.get(copy.size() - 1) / 1e6, errors);
        }

        private static double ms(List<Long> sorted, double q) {
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
        }
    }
}
