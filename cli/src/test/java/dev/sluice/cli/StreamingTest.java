package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records stream through a window a page at a time: a window far larger than the heap runs. */
class StreamingTest {
    @TempDir
    Path dir;

    @Test
    void a_window_of_a_million_records_runs_in_a_32_mb_heap() throws Exception {
        // One window, no size: 1,000,000 records of ~100 bytes as JSON, several hundred MB as trees.
        Path file = CliRun.pipeline(dir, "big.yaml", """
                windows: {start: 2025-01-01T00:00:00Z, end: 2025-01-01T02:46:40Z}
                source: {type: generate, every: 10ms}
                sink: {type: jsonl, path: out}
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx32m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", file.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("1000000 records read, 1000000 written");
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            Path only = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
            try (Stream<String> lines = Files.lines(only)) {
                assertThat(lines.count()).isEqualTo(1_000_000);
            }
        }
    }
}
