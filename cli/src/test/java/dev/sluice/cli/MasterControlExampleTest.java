package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Connectors;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.core.state.KeyTally;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.StateStore;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import dev.sluice.testkit.TestClock;
import dev.sluice.testkit.demo.AuthMode;
import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.Fault;
import dev.sluice.testkit.demo.MasterControlData;
import dev.sluice.testkit.demo.MasterControlExport;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 000 end to end: the pipelines of examples/mastercontrol, as shipped, against the MasterControl
 * simulator in this JVM. Every CSV row is checked against what {@link MasterControlExport} computes from the
 * simulator's own data.
 */
class MasterControlExampleTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "mastercontrol");
    private static final long RECORDS = 600;

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort()).withPerMethodLifecycle(true);

    @TempDir
    Path dir;
    DemoApi api;
    MasterControlData data;
    MasterControlExport export;

    @BeforeEach
    void start() throws IOException {
        api = DemoApi.start(DemoApiOptions.masterControl().withCount(RECORDS).withPort(0).withAuth(AuthMode.BEARER));
        data = api.masterControl();
        export = new MasterControlExport(data);
        try (Stream<Path> files = Files.list(EXAMPLE)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList())
                Files.copy(f, dir.resolve(f.getFileName()));
        }
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Map<String, String> env() {
        return Map.of("MC_BASE_URL", api.baseUri().toString(), "MC_API_TOKEN", DemoApi.BEARER_TOKEN, "MC_END", Long.toString(RECORDS + 1),
                "MC_RATE_LIMIT", "2000/s", "MC_START", "2024-12-31T00:00");
    }

    private PipelineConfig load(String file) {
        Map<String, String> env = env();
        return new ConfigLoader(name -> Optional.ofNullable(env.get(name)), Connectors.discover()).load(dir.resolve(file));
    }

    private RunResult run(PipelineConfig config, Instant now) {
        try (StateStore store = StateStores.open(config.stateUrlOrDefault())) {
            return new Runner(config, store, new TestClock(now), new RunListener() { }, new StopSignal(), Leases.currentHolder()).run();
        }
    }

    private <T> T books(PipelineConfig config, java.util.function.Function<StateStore, T> read) {
        try (StateStore store = StateStores.open(config.stateUrlOrDefault())) {
            return read.apply(store);
        }
    }

    /** The expected files: lot number to its rows, records in id order. */
    private Map<String, List<List<String>>> expectedFiles() {
        var files = new TreeMap<String, List<List<String>>>();
        for (long id = 1; id <= RECORDS; id++) {
            List<List<String>> rows = export.rows(id);
            if (!rows.isEmpty())
                files.computeIfAbsent(data.lotOf(id).lotNumber(), k -> new ArrayList<>()).addAll(rows);
        }
        return files;
    }

    /** The CSV files of a folder: lot number (file name) to rows, after checking the header. */
    private static Map<String, List<List<String>>> csvFiles(Path folder) throws IOException {
        var files = new TreeMap<String, List<List<String>>>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path f : list.filter(p -> p.getFileName().toString().endsWith(".csv")).toList()) {
                try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(f)) {
                    var rows = new ArrayList<List<String>>();
                    for (CsvRecord r : reader)
                        rows.add(r.getFields());
                    assertThat(rows.getFirst()).as("header of %s", f.getFileName()).isEqualTo(MasterControlExport.COLUMNS);
                    files.put(f.getFileName().toString().replaceFirst("\\.csv$", ""), rows.subList(1, rows.size()));
                }
            }
        }
        return files;
    }

    @Test
    void the_bulk_pipeline_writes_every_row_once_in_one_csv_per_lot_with_the_seeds_columns() throws IOException {
        RunResult result = run(load("bulk.yaml"), Instant.parse("2026-11-22T12:00:00Z"));

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.windowsSucceeded()).isEqualTo(6);
        assertThat(csvFiles(dir.resolve("out/bulk"))).isEqualTo(expectedFiles());
    }

    @Test
    void the_fallback_answers_exactly_for_the_records_whose_batch_records_are_empty() {
        PipelineConfig config = load("bulk.yaml");
        run(config, Instant.parse("2026-11-22T12:00:00Z"));

        Map<String, KeyStatus> keys = keys(config);
        long fallbacks = 0;
        for (long id = 1; id <= RECORDS; id++) {
            if (!export.exported(id))
                continue;
            String answered = keys.get(Long.toString(id)).answeredBy().orElseThrow();
            if (export.fromFallback(id)) {
                fallbacks++;
                assertThat(answered).as("record %d", id).contains("metadata: data-captures-by-lot").doesNotContain("metadata: primary");
            } else {
                assertThat(answered).as("record %d", id).contains("metadata: primary").doesNotContain("data-captures-by-lot");
            }
        }
        KeyTally tally = books(config, s -> s.keyTally(config.id()));
        assertThat(fallbacks).as("records that need the fallback among the first %d", RECORDS).isPositive();
        assertThat(tally.answeredBy()).containsEntry("metadata: data-captures-by-lot", fallbacks);
    }

    @Test
    void records_whose_lot_neither_api_knows_fail_with_the_seeds_reason_and_are_absent_from_the_csvs() throws IOException {
        PipelineConfig config = load("bulk.yaml");
        run(config, Instant.parse("2026-11-22T12:00:00Z"));

        Map<String, KeyStatus> keys = keys(config);
        var failed = new ArrayList<Long>();
        for (long id = 1; id <= RECORDS; id++) {
            KeyStatus k = keys.get(Long.toString(id));
            if (export.exported(id)) {
                assertThat(k.outcome()).as("record %d", id).isEqualTo(KeyStatus.KeyOutcome.SUCCEEDED);
            } else {
                failed.add(id);
                assertThat(k.outcome()).as("record %d", id).isEqualTo(KeyStatus.KeyOutcome.FAILED);
                assertThat(k.reason()).as("record %d", id).hasValue("metadata: " + MasterControlExport.BOTH_EMPTY);
                assertThat(dir.resolve("out/bulk/" + data.lotOf(id).lotNumber() + ".csv")).doesNotExist();
            }
        }
        assertThat(failed).as("records of lots both APIs answer empty for").isNotEmpty();
        assertThat(books(config, s -> s.keyTally(config.id())).failed()).isEqualTo(failed.size());
    }

    @Test
    void the_incremental_pipeline_processes_each_record_modified_in_its_windows_once() throws IOException {
        PipelineConfig config = load("incremental.yaml");
        RunResult result = run(config, Instant.parse("2025-01-02T12:00:00Z"));

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        Map<String, List<List<String>>> written = csvFiles(dir.resolve("out/incremental"));
        Map<String, List<List<String>>> expected = expectedFiles();
        assertThat(written.keySet()).isEqualTo(expected.keySet());
        expected.forEach((lot, rows) -> assertThat(written.get(lot)).as(lot).containsExactlyInAnyOrderElementsOf(rows));
        Map<String, KeyStatus> keys = keys(config);
        assertThat(keys).as("every record discovered once, in the window of its modification").hasSize((int) RECORDS);
        for (long id = 1; id <= RECORDS; id++)
            assertThat(keys.get(Long.toString(id)).window().orElseThrow().startText().compareTo(data.modifiedAt(id).toString()))
                    .as("record %d", id).isLessThanOrEqualTo(0);
    }

    @Test
    void killing_a_bulk_run_at_random_moments_and_resuming_gives_the_output_of_an_uninterrupted_run() throws Exception {
        Path bulk = dir.resolve("bulk.yaml");
        var random = new Random(20261122L);
        int killed = 0;
        for (int i = 0; i < 8; i++) {
            Process p = process(Map.of("MC_RATE_LIMIT", "300/s"), "run", bulk.toString());
            if (!p.waitFor(500 + random.nextInt(1500), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
                p.waitFor();
                killed++;
            }
        }
        Process last = process(Map.of(), "run", bulk.toString());
        assertThat(last.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(last.exitValue()).as(output(last)).isZero();

        assertThat(killed).as("runs killed before they finished").isGreaterThanOrEqualTo(4);
        assertThat(csvFiles(dir.resolve("out/bulk"))).isEqualTo(expectedFiles());
        try (Stream<Path> files = Files.walk(dir.resolve("out/bulk"))) {
            assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()))
                    .as("no temporary file left").noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    void an_api_that_keeps_failing_sends_an_alert_email_and_its_records_are_replayed_once_it_answers() throws Exception {
        api.faults().add(Fault.parse("503,always@/production-records/7/"));
        Path settings = dir.resolve("alerts.yaml");
        Files.writeString(settings, """
                alerts:
                  email: {host: 127.0.0.1, port: %d, security: none, from: sluice@example.com, to: [quality-data@example.com]}
                """.formatted(smtp.getSmtp().getPort()));
        Process run = process(Map.of(), "run", dir.resolve("bulk.yaml").toString(), "--settings", settings.toString());
        assertThat(run.waitFor(3, TimeUnit.MINUTES)).isTrue();

        assertThat(run.exitValue()).as(output(run)).isZero();
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).startsWith("[CRITICAL] sluice: pipeline mastercontrol-bulk: requests failed");
        assertThat(((String) mails[0].getContent()).replaceAll("\\s+", " ")).contains("key 7", "answered 503", "sluice replay FILE --failed-keys")
                .doesNotContain("the window was not committed");
        assertThat(keys(load("bulk.yaml")).get("7").outcome()).isEqualTo(KeyStatus.KeyOutcome.FAILED);

        api.faults().clear();
        Process replay = process(Map.of(), "replay", dir.resolve("bulk.yaml").toString(), "--failed-keys");
        assertThat(replay.waitFor(3, TimeUnit.MINUTES)).isTrue();

        assertThat(replay.exitValue()).as(output(replay)).isZero();
        assertThat(keys(load("bulk.yaml")).get("7").outcome()).isEqualTo(KeyStatus.KeyOutcome.SUCCEEDED);
        assertThat(csvFiles(dir.resolve("out/bulk"))).isEqualTo(expectedFiles());
    }

    private Map<String, KeyStatus> keys(PipelineConfig config) {
        var keys = new HashMap<String, KeyStatus>();
        books(config, s -> s.keyStatuses(config.id(), Optional.empty())).forEach(k -> keys.put(k.key(), k));
        return keys;
    }

    private int commands;

    /** What a process started by {@link #process} printed. */
    private String output(Process p) throws IOException {
        return Files.readString(dir.resolve("command-" + commands + ".log"));
    }

    /** The sluice command in its own JVM, with the example's environment plus {@code more}, output captured. */
    private Process process(Map<String, String> more, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        // Output to a file: a process killed or left running never blocks on a full pipe.
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("command-" + (++commands) + ".log").toFile());
        var env = new LinkedHashMap<>(env());
        env.putAll(more);
        builder.environment().putAll(env);
        return builder.start();
    }
}
