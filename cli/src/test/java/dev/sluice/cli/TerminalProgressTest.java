package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a terminal a run shows a progress bar; elsewhere plain lines (CommandLineTest reads those). */
class TerminalProgressTest {
    @TempDir
    Path dir;

    @Test
    void a_run_on_a_terminal_shows_a_progress_bar_of_windows_and_records() throws Exception {
        Path script = Path.of("/usr/bin/script");
        if (!Files.isExecutable(script))
            System.out.println("skipped: util-linux 'script' is not installed, so no pseudo-terminal can be made");
        assumeTrue(Files.isExecutable(script), "util-linux 'script' is needed to run the command on a pseudo-terminal");
        Path file = CliRun.pipeline(dir, "tty.yaml", """
                windows: {start: 2025-01-01T00:00:00Z, end: 2025-01-01T06:00:00Z, size: 1h}
                source: {type: generate, every: 1m}
                sink: {type: jsonl, path: out}
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", file.toString());

        Process p = new ProcessBuilder(List.of(script.toString(), "-qec", command, "/dev/null")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("windows 100% [").contains("6/6").contains("360 records");
        assertThat(out).doesNotContain("records  committed"); // the plain per-window lines are for pipes and files
    }
}
