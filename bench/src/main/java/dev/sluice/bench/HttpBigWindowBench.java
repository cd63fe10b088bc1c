package dev.sluice.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * One window of 2,000,000 records (one a second from 2025-01-01, about 23 days) read 1,000 a page from the
 * demo API and written to one CSV file, in a heap of 256 MB ({@code bench/run} starts this JVM with
 * {@code -Xmx256m} and the demo API in a JVM of its own). Shows that a window's records stream through
 * page by page rather than being held, and at what rate.
 *
 * <p>Heap figures: the peak of the heap in use, sampled every 5 ms (garbage included, so it mostly says
 * how large the collector let the young generation grow), and the most heap in use right after a
 * collection, an upper bound of what the run really held. The baseline, after the run, is the JDK's
 * HttpClient alone fetching the same pages one after another: how fast the demo API serves them.
 *
 * <p>Usage: {@code bench/run http-big-window [RECORDS]}; here {@code HttpBigWindowBench BASE_URL RECORDS}.
 */
public final class HttpBigWindowBench {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    public static void main(String[] args) throws Exception {
        URI api = URI.create(args[0]);
        long count = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        var afterGc = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION))
                    return;
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
                afterGc.accumulateAndGet(used, Math::max);
            }, null, null);
        var peak = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        var run = PipelineRun.of("""
                name: big-window
                windows: {cursor: time, start: %s, end: %s}
                connections:
                  demo: {base_url: %s}
                source:
                  type: http
                  connection: demo
                  request: {path: /page/records, query: {since: "{{ window.start }}", until: "{{ window.end }}"}}
                  records: $.data[*]
                  pagination: {type: page_number, size: 1000, total: $.total, stop: [total]}
                sink: {type: csv, path: out}
                """.formatted(START, START.plusSeconds(count), api));
        sampler.interrupt();
        List<Path> files;
        try (Stream<Path> out = Files.list(run.dir().resolve("out"))) {
            files = out.filter(p -> p.toString().endsWith(".csv")).toList();
        }
        long lines = 0, bytes = 0;
        for (Path f : files) {
            lines += lines(f);
            bytes += Files.size(f);
        }
        long gcs = 0, gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs += gc.getCollectionCount();
            gcMillis += gc.getCollectionTime();
        }
        System.out.printf("one window, %,d records in %.2f s = %,.0f records/s (%d window, %,d pages of 1,000)%n", run.records(), run.seconds(),
                run.records() / run.seconds(), run.result().windowsSucceeded(), Math.ceilDiv(count, 1000));
        System.out.printf("heap: max %d MB; peak in use %d MB (sampled every 5 ms); most in use after a collection %d MB; %d collections, %,d ms%n",
                memory.getHeapMemoryUsage().getMax() >> 20, peak.get() >> 20, afterGc.get() >> 20, gcs, gcMillis);
        System.out.printf("output: %d file(s), %,d lines (%s: %,d records + header), %,d MB%n", files.size(), lines,
                lines == count + 1 ? "as expected" : "EXPECTED " + (count + 1), count, bytes >> 20);
        run.delete();

        long t0 = System.nanoTime();
        long fetched = fetchAll(api, count);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("baseline, the same pages by the JDK HttpClient alone (no parsing, no file): %,.0f records/s (%,d MB in %.2f s)%n",
                count / seconds, fetched >> 20, seconds);
    }

    /** Every page of the window, one after another, bodies counted and dropped: what the demo API can serve. */
    private static long fetchAll(URI api, long count) throws Exception {
        long bytes = 0;
        try (var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (long page = 1; page <= Math.ceilDiv(count, 1000); page++) {
                var uri = URI.create(api + "/page/records?since=" + START + "&until=" + START.plusSeconds(count) + "&page=" + page + "&size=1000");
                HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200)
                    throw new IllegalStateException(uri + " answered " + r.statusCode());
                bytes += r.body().length;
            }
        }
        return bytes;
    }

    /** Counts line breaks by bytes: the demo API's values hold none, so each is one row. */
    private static long lines(Path file) throws IOException {
        long n = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read; (read = in.read(buffer)) > 0; )
                for (int i = 0; i < read; i++)
                    if (buffer[i] == '\n')
                        n++;
        }
        return n;
    }
}
