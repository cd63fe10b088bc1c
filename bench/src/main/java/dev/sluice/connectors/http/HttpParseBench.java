package dev.sluice.connectors.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpServer;
import de.siegmar.fastcsv.writer.CsvWriter;
import dev.sluice.bench.PipelineRun;
import dev.sluice.connectors.files.CsvOptions;
import dev.sluice.connectors.files.FileSink;
import dev.sluice.connectors.files.FileSinkConfig;
import dev.sluice.core.PipelineId;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.DemoData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parsing answers, picking their records and writing them to CSV, on one core ({@code bench/run} pins
 * the JVM to one CPU with taskset), in records a second. The pages hold 1,000 records of the demo API's
 * data (300 to 500 bytes of JSON each), rendered once up front as the demo API renders them, so that the
 * server's own cost stays out. Four measures, interleaved, each repeated; the median is reported:
 * <ol>
 * <li><b>baseline</b>: plain Jackson {@code readTree} of each page, a loop over {@code data}, FastCSV
 *     writing each record's values to one file, fsynced at the end (as the sink does at its commit);
 * <li><b>sluice, in memory</b>: the same bytes through what {@link HttpSource#read} does with an answer (its
 *     mapper, a {@link RecordSelector} for {@code $.data[*]}, a {@link DataRecord} per object) and the csv
 *     sink ({@link FileSink}: staged file, CSV cells, commit with fsync and rename). This class lives in
 *     the connector's package to reach those package-private parts;
 * <li><b>baseline over HTTP</b>: the pages served by a JDK HttpServer in the same JVM, fetched one after
 *     another by the JDK HttpClient, then as the baseline;
 * <li><b>sluice pipeline</b>: a pipeline file through the runner, http source ({@code page_number},
 *     stop on {@code total}) reading that server, csv sink, SQLite state: everything a run does.
 * </ol>
 * The goal is Sluice at 50% of its baseline or more.
 *
 * <p>Usage: {@code bench/run http-parse [PAGES]}, 300 pages (300,000 records, 118 MB) by default.
 */
public final class HttpParseBench {
    private static final int PAGE = 1000;
    private static final int REPEATS = 5;
    private static final JsonMapper PLAIN = JsonMapper.builder().build();
    private static final String BASELINE = "baseline: Jackson + FastCSV";
    private static final String SLUICE = "sluice, in memory: source parsing + csv sink";
    private static final String BASELINE_HTTP = "baseline over HTTP: JDK HttpClient + baseline";
    private static final String PIPELINE = "sluice pipeline over HTTP: runner, http, csv";
    private static final TimeWindow WINDOW = new TimeWindow(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-02T00:00:00Z"));

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        List<byte[]> pages = pages(count);
        long bytes = pages.stream().mapToLong(p -> p.length).sum();
        System.out.printf("%,d pages of %,d records, %,.1f MB of JSON (%,d bytes a record); %d CPU(s) available%n",
                count, PAGE, bytes / 1e6, bytes / ((long) count * PAGE), Runtime.getRuntime().availableProcessors());

        HttpServer server = serve(pages);
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        Path scratch = Files.createTempDirectory("sluice-bench-parse-");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var measures = new LinkedHashMap<String, Measure>();
        measures.put(BASELINE, () -> baseline(pages::get, count, scratch.resolve("baseline.csv")));
        measures.put(SLUICE, () -> sluice(pages, scratch.resolve("sluice")));
        measures.put(BASELINE_HTTP, () -> overHttp(client, base, count, scratch.resolve("baseline.csv")));
        measures.put(PIPELINE, () -> pipeline(base));
        var seconds = new LinkedHashMap<String, double[]>();
        measures.keySet().forEach(k -> seconds.put(k, new double[REPEATS]));
        try {
            for (int round = -2; round < REPEATS; round++) { // two rounds to warm up, not counted
                for (var m : measures.entrySet()) {
                    long t0 = System.nanoTime();
                    long records = m.getValue().run();
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (records != (long) count * PAGE)
                        throw new IllegalStateException(m.getKey() + " wrote " + records + " records, not " + count * PAGE);
                    if (round >= 0)
                        seconds.get(m.getKey())[round] = s;
                }
            }
        } finally {
            client.close();
            server.stop(0);
            PipelineRun.deleteTree(scratch);
        }
        Map<String, Double> rate = new LinkedHashMap<>();
        seconds.forEach((k, s) -> rate.put(k, count * PAGE / PipelineRun.median(s)));
        for (var e : rate.entrySet()) {
            double[] s = seconds.get(e.getKey()).clone();
            Arrays.sort(s);
            System.out.printf("%-48s %,9.0f records/s (median of %d; %.3f to %.3f s a pass)%n", e.getKey() + ":", e.getValue(), REPEATS,
                    s[0], s[s.length - 1]);
        }
        System.out.printf("  => sluice in memory is %.0f%% of its baseline; the sluice pipeline over HTTP is %.0f%% of its baseline (goal: >= 50%%)%n",
                100 * rate.get(SLUICE) / rate.get(BASELINE), 100 * rate.get(PIPELINE) / rate.get(BASELINE_HTTP));
    }

    private interface Measure {
        long run() throws Exception;
    }

    /** Jackson's tree, a loop, FastCSV: the least a program must do to turn these pages into a CSV file. */
    private static long baseline(IntFunction<byte[]> page, int count, Path file) throws IOException {
        long n = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            CsvWriter csv = CsvWriter.builder().build(Channels.newOutputStream(channel), UTF_8);
            for (int i = 0; i < count; i++) {
                for (JsonNode record : PLAIN.readTree(page.apply(i)).get("data")) {
                    if (n++ == 0)
                        csv.writeRecord(record.propertyNames());
                    var cells = new ArrayList<String>(record.size());
                    for (JsonNode value : record.values())
                        cells.add(value.asString());
                    csv.writeRecord(cells);
                }
            }
            csv.flush();
            channel.force(true);
        }
        Files.delete(file);
        return n;
    }

    /** What {@link HttpSource#read} does with an answer's bytes, then the runner's writes into the csv sink. */
    private static long sluice(List<byte[]> pages, Path dir) throws IOException {
        RecordSelector selector = RecordSelector.parse("$.data[*]", problem -> { throw new IllegalArgumentException(problem); }).orElseThrow();
        FileSink sink = FileSink.csv(FileSinkConfig.of(dir), CsvOptions.defaults());
        sink.open(() -> new PipelineId("parse"));
        long n = 0;
        try (WindowWriter writer = sink.begin(WINDOW)) {
            for (byte[] body : pages) {
                List<JsonNode> selected = selector.select(Paging.JSON.readTree(body));
                var records = new ArrayList<DataRecord>(selected.size());
                for (JsonNode node : selected) {
                    if (!(node instanceof ObjectNode o))
                        throw new IllegalStateException("not an object: " + node);
                    records.add(new DataRecord(o));
                }
                for (DataRecord r : records)
                    writer.write(r);
                n += records.size();
            }
            writer.commit();
        }
        sink.close();
        PipelineRun.deleteTree(dir);
        return n;
    }

    private static long overHttp(HttpClient http, URI base, int count, Path file) throws IOException {
        return baseline(i -> {
            var request = HttpRequest.newBuilder(base.resolve("/pages?page=" + (i + 1) + "&size=" + PAGE)).build();
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, count, file);
    }

    private static long pipeline(URI base) throws IOException {
        var run = PipelineRun.of("""
                name: http-parse
                windows: {cursor: time, start: %s, end: %s}
                connections:
                  pages: {base_url: %s}
                source:
                  type: http
                  connection: pages
                  request: {path: /pages}
                  records: $.data[*]
                  pagination: {type: page_number, size: %d, total: $.total, stop: [total]}
                sink: {type: csv, path: out}
                """.formatted(WINDOW.start(), WINDOW.end(), base, PAGE));
        run.delete();
        return run.records();
    }

    /** The pages as the demo API's {@code /page/records} renders them: records as the server sends them, then the paging fields. */
    private static List<byte[]> pages(int count) {
        long total = (long) count * PAGE;
        DemoData data = DemoData.of(DemoApiOptions.defaults().withCount(total));
        var pages = new ArrayList<byte[]>(count);
        for (int p = 0; p < count; p++) {
            var json = new StringBuilder(PAGE * 512).append("{\"data\":[");
            for (int i = 0; i < PAGE; i++)
                json.append(i == 0 ? "" : ",").append(data.json((long) p * PAGE + i + 1));
            json.append("],\"page\":").append(p + 1).append(",\"size\":").append(PAGE).append(",\"total\":").append(total)
                    .append(",\"total_pages\":").append(count).append(",\"has_more\":").append(p + 1 < count).append('}');
            pages.add(json.toString().getBytes(UTF_8));
        }
        return pages;
    }

    /** Serves page N of {@code pages} at {@code /pages?page=N}, from the server's one dispatcher thread. */
    private static HttpServer serve(List<byte[]> pages) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/pages", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            int page = Integer.parseInt(query.replaceAll(".*\\bpage=(\\d+).*", "$1"));
            byte[] body = pages.get(page - 1);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }
}
