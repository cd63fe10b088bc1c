package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The contract under the worst crash: a {@code generate} to {@code jsonl} pipeline is killed with
 * SIGKILL at random moments, 25 times, and re-run each time; finally it runs to completion. The
 * output must then hold exactly the expected records: none missing, none twice.
 */
class CrashRecoveryTest {
    private static final int KILLS = 25;
    // 12 hours of one record every 10 s: 4320 records in 72 windows of 10 minutes, two at a time, about 11 s of work.
    private static final String PIPELINE = """
            name: crash
            parallelism: 2
            windows:
              cursor: time
              start: 2025-01-01T00:00:00Z
              end: 2025-01-01T12:00:00Z
              size: 10m
            source:
              type: generate
              every: 10s
              page_size: 7
              pause_per_record: 5ms
            sink:
              type: jsonl
              path: out
            """;

    @TempDir
    Path dir;

    @Test
    void killing_a_run_at_random_moments_and_running_it_again_loses_and_duplicates_nothing() throws Exception {
        Path file = CliRun.pipeline(dir, "crash.yaml", PIPELINE);
        var random = new Random(20251122L);
        int killedMidRun = 0;
        for (int i = 0; i < KILLS; i++) {
            Process p = start(file, true);
            var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String line;
            while ((line = lines.readLine()) != null && !line.contains("to run")) {
                // wait until the run has planned its windows and starts working on them
            }
            // Then a random moment within the next 400 ms: mid-page, mid-commit, between ledger writes.
            boolean finished = p.waitFor(random.nextInt(400), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no cleanup
                p.waitFor();
                killedMidRun++;
            }
        }
        Process last = start(file, true);
        String out = new String(last.getInputStream().readAllBytes());
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(last.exitValue()).as(out).isZero();

        assertThat(killedMidRun).as("runs killed before they finished").isGreaterThanOrEqualTo(20);
        List<Long> ids = ids(dir.resolve("out"));
        assertThat(new HashSet<>(ids)).as("distinct records").hasSize(ids.size());
        long first = 1735689600L / 10, last10s = first + 4320;
        assertThat(ids).containsExactlyInAnyOrderElementsOf(LongStream.range(first, last10s).boxed().toList());
        JsonNode status = Reports.JSON.readTree(CliRun.of("status", file.toString(), "--json").out());
        assertThat(status.get("watermark").asString()).isEqualTo("2025-01-01T12:00:00Z");
        assertThat(status.get("windows").get("succeeded").asLong()).isEqualTo(72);
        try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
            assertThat(files.filter(Files::isRegularFile).map(Path::getFileName).map(Path::toString))
                    .as("every file left is a committed window file").allMatch(n -> n.endsWith(".jsonl")).hasSize(72);
        }
    }

    @Test
    void sigterm_stops_a_run_cleanly_and_the_next_run_completes_it_exactly() throws Exception {
        Path file = CliRun.pipeline(dir, "crash.yaml", PIPELINE);
        Process p = start(file, true);
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        String line;
        while ((line = lines.readLine()) != null && !line.contains("committed")) {
            // wait until the run has committed its first window
        }
        p.toHandle().destroy(); // SIGTERM, leaving our end of its output open
        String rest = lines.lines().collect(java.util.stream.Collectors.joining("\n"));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(rest).isEqualTo(143);
        try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
            assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())).allMatch(n -> n.endsWith(".jsonl"));
        }
        JsonNode stopped = Reports.JSON.readTree(CliRun.of("status", file.toString(), "--json").out());
        assertThat(stopped.get("windows").get("running").asLong()).as("no window left running").isZero();
        assertThat(stopped.get("last_run").get("status").asString()).isEqualTo("interrupted");

        Process last = start(file, true);
        String out = new String(last.getInputStream().readAllBytes());
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(last.exitValue()).as(out).isZero();
        List<Long> ids = ids(dir.resolve("out"));
        long first = 1735689600L / 10;
        assertThat(ids).containsExactlyInAnyOrderElementsOf(LongStream.range(first, first + 4320).boxed().toList());
    }

    private Process start(Path file, boolean capture) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", file.toString()));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        return (capture ? builder : builder.redirectOutput(ProcessBuilder.Redirect.DISCARD)).start();
    }

    private static List<Long> ids(Path out) throws IOException {
        var ids = new ArrayList<Long>();
        for (String line : CommandLineTest.jsonlLines(out))
            ids.add(Reports.JSON.readTree(line).get("id").asLong());
        return ids;
    }
}
