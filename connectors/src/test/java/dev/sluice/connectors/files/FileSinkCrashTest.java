package dev.sluice.connectors.files;

import static dev.sluice.connectors.files.FileSinkFixtures.W1;
import static dev.sluice.connectors.files.FileSinkFixtures.assertFailsWith;
import static dev.sluice.connectors.files.FileSinkFixtures.commitWindow;
import static dev.sluice.connectors.files.FileSinkFixtures.files;
import static dev.sluice.connectors.files.FileSinkFixtures.opened;
import static dev.sluice.connectors.files.FileSinkFixtures.read;
import static dev.sluice.connectors.files.FileSinkFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.WindowWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a killed process leaves behind, and how the next sink to open the folder deals with it. A kill
 * runs no close() and no finally, so these tests abandon writers without closing them.
 */
class FileSinkCrashTest {
    static final String W1_FILE = FileSinkTest.W1_FILE;
    static final String MANIFEST = ".sluice/" + W1_FILE + ".commit";

    @TempDir
    Path dir;

    /** Thrown from the commit-point hook to stop a commit there, the way a kill would. */
    static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    @Test
    void a_kill_before_the_commit_point_keeps_the_old_output_and_the_next_open_deletes_the_temporary_files() throws Exception {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        commitWindow(sink, W1, "{\"lot\":\"A\",\"v\":1}", "{\"lot\":\"B\",\"v\":1}");
        WindowWriter abandoned = sink.begin(W1);
        abandoned.write(record("{\"lot\":\"A\",\"v\":2}"));
        abandoned.write(record("{\"lot\":\"C\",\"v\":2}"));

        opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));

        assertThat(files(dir)).containsExactly("lot=A/" + W1_FILE, "lot=B/" + W1_FILE);
        assertThat(read(dir.resolve("lot=A").resolve(W1_FILE))).isEqualTo("{\"lot\":\"A\",\"v\":1}\n");
    }

    @Test
    void a_kill_right_after_the_commit_point_is_rolled_forward_when_the_sink_opens() throws Exception {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        commitWindow(sink, W1, "{\"lot\":\"A\",\"v\":1}", "{\"lot\":\"B\",\"v\":1}");
        sink.afterCommitPoint = () -> {
            throw new Killed();
        };
        WindowWriter abandoned = sink.begin(W1);
        abandoned.write(record("{\"lot\":\"A\",\"v\":2}"));
        abandoned.write(record("{\"lot\":\"C\",\"v\":2}"));
        assertThatThrownBy(abandoned::commit).isInstanceOf(Killed.class);
        assertThat(files(dir)).contains(MANIFEST, "lot=B/" + W1_FILE);

        opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));

        assertThat(files(dir)).containsExactly("lot=A/" + W1_FILE, "lot=C/" + W1_FILE);
        assertThat(read(dir.resolve("lot=A").resolve(W1_FILE))).isEqualTo("{\"lot\":\"A\",\"v\":2}\n");
        assertThat(read(dir.resolve("lot=C").resolve(W1_FILE))).isEqualTo("{\"lot\":\"C\",\"v\":2}\n");
    }

    @Test
    void closing_a_writer_whose_commit_failed_after_the_commit_point_keeps_what_the_manifest_needs() throws Exception {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        sink.afterCommitPoint = () -> {
            throw new Killed();
        };
        try (WindowWriter w = sink.begin(W1)) {
            w.write(record("{\"lot\":\"A\"}"));
            w.write(record("{\"lot\":\"B\"}"));
            assertThatThrownBy(w::commit).isInstanceOf(Killed.class);
        }
        sink.afterCommitPoint = () -> { };

        sink.begin(W1).close();

        assertThat(files(dir)).containsExactly("lot=A/" + W1_FILE, "lot=B/" + W1_FILE);
    }

    @Test
    void a_kill_half_way_through_applying_a_manifest_is_finished_when_the_sink_opens() throws Exception {
        // Attempt 1 committed A and B; attempt 2 wrote A and C, published its manifest, renamed A and was killed.
        Files.createDirectories(dir.resolve("lot=A"));
        Files.createDirectories(dir.resolve("lot=B"));
        Files.createDirectories(dir.resolve("lot=C"));
        Files.createDirectories(dir.resolve(".sluice"));
        Files.writeString(dir.resolve("lot=A").resolve(W1_FILE), "{\"v\":2}\n");
        Files.writeString(dir.resolve("lot=B").resolve(W1_FILE), "{\"v\":1}\n");
        Files.writeString(dir.resolve("lot=C").resolve("." + W1_FILE + ".c1.partial"), "{\"v\":2}\n");
        Files.writeString(dir.resolve(MANIFEST), """
                sluice-commit 1
                move\tlot=A/.%1$s.a1.partial\tlot=A/%1$s
                move\tlot=C/.%1$s.c1.partial\tlot=C/%1$s
                delete\tlot=B/%1$s
                end
                """.formatted(W1_FILE));

        opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));

        assertThat(files(dir)).containsExactly("lot=A/" + W1_FILE, "lot=C/" + W1_FILE);
        assertThat(read(dir.resolve("lot=C").resolve(W1_FILE))).isEqualTo("{\"v\":2}\n");
    }

    @Test
    void a_manifest_is_rolled_forward_when_its_window_begins_again() throws Exception {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        Files.createDirectories(dir.resolve("lot=B"));
        Files.writeString(dir.resolve("lot=B").resolve("." + W1_FILE + ".b1.partial"), "{\"v\":2}\n");
        Files.writeString(dir.resolve(MANIFEST), "sluice-commit 1\nmove\tlot=B/." + W1_FILE + ".b1.partial\tlot=B/" + W1_FILE + "\nend\n");

        sink.begin(W1).close();

        assertThat(files(dir)).containsExactly("lot=B/" + W1_FILE);
    }

    @Test
    void a_damaged_manifest_fails_open_with_sink_unavailable_and_says_what_to_do() throws Exception {
        Files.createDirectories(dir.resolve(".sluice"));
        Files.writeString(dir.resolve(MANIFEST), "sluice-commit 1\nmove\tlot=A/x");
        var sink = FileSink.jsonl(FileSinkConfig.of(dir));

        assertFailsWith(ErrorCode.SINK_UNAVAILABLE, () -> sink.open(FileSinkFixtures.CONTEXT));
        assertThatThrownBy(() -> sink.open(FileSinkFixtures.CONTEXT)).hasMessageContaining("damaged").hasMessageContaining("Delete");
    }

    @Test
    void a_manifest_naming_a_path_outside_the_folder_is_refused() throws Exception {
        Files.createDirectories(dir.resolve("out/.sluice"));
        Files.writeString(dir.resolve("victim.txt"), "keep me");
        Files.writeString(dir.resolve("out/" + MANIFEST), "sluice-commit 1\ndelete\t../victim.txt\nend\n");
        var sink = FileSink.jsonl(FileSinkConfig.of(dir.resolve("out")));

        assertFailsWith(ErrorCode.SINK_UNAVAILABLE, () -> sink.open(FileSinkFixtures.CONTEXT));
        assertThat(dir.resolve("victim.txt")).exists();
    }
}
