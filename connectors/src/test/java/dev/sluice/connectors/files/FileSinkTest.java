package dev.sluice.connectors.files;

import static dev.sluice.connectors.files.FileSinkFixtures.W1;
import static dev.sluice.connectors.files.FileSinkFixtures.W2;
import static dev.sluice.connectors.files.FileSinkFixtures.assertFailsWith;
import static dev.sluice.connectors.files.FileSinkFixtures.commitWindow;
import static dev.sluice.connectors.files.FileSinkFixtures.files;
import static dev.sluice.connectors.files.FileSinkFixtures.opened;
import static dev.sluice.connectors.files.FileSinkFixtures.outputs;
import static dev.sluice.connectors.files.FileSinkFixtures.read;
import static dev.sluice.connectors.files.FileSinkFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.IdWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
    static final String W1_FILE = "20240501T100000Z_20240501T110000Z.jsonl";
    static final String W2_FILE = "20240501T110000Z_20240501T120000Z.jsonl";

    @TempDir
    Path dir;

    @Test
    void a_window_is_written_to_a_file_named_after_the_window() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.of(dir)));

        commitWindow(sink, W1, "{\"id\":1}");

        assertThat(outputs(dir)).containsExactly(W1_FILE);
    }

    @Test
    void jsonl_has_one_compact_json_object_per_line_in_utf8() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.of(dir)));

        commitWindow(sink, W1, "{ \"id\" : 1, \"name\" : \"Zürich\" }", "{\"id\":2,\"tags\":[1, 2],\"n\":{\"a\":null}}");

        assertThat(read(dir.resolve(W1_FILE)))
                .isEqualTo("{\"id\":1,\"name\":\"Zürich\"}\n{\"id\":2,\"tags\":[1,2],\"n\":{\"a\":null}}\n");
    }

    @Test
    void nothing_appears_under_a_final_name_before_commit() throws Exception {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        try (WindowWriter w = sink.begin(W1)) {
            w.write(record("{\"lot\":\"A\",\"id\":1}"));
            w.write(record("{\"lot\":\"B\",\"id\":2}"));

            assertThat(outputs(dir)).isEmpty();
            assertThat(files(dir)).hasSize(2).allSatisfy(f -> assertThat(f).endsWith(".partial").contains("/."));

            w.commit();
        }
        assertThat(outputs(dir)).containsExactly("lot=A/" + W1_FILE, "lot=B/" + W1_FILE);
    }

    @Test
    void commit_leaves_no_temporary_file_or_manifest_behind() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));

        commitWindow(sink, W1, "{\"lot\":\"A\"}", "{\"lot\":\"B\"}");

        assertThat(files(dir)).containsExactly("lot=A/" + W1_FILE, "lot=B/" + W1_FILE);
    }

    @Test
    void rerunning_a_window_replaces_its_file_instead_of_appending() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.of(dir)));
        commitWindow(sink, W1, "{\"id\":1}", "{\"id\":2}");

        commitWindow(sink, W1, "{\"id\":3}");

        assertThat(read(dir.resolve(W1_FILE))).isEqualTo("{\"id\":3}\n");
    }

    @Test
    void rerunning_a_window_leaves_other_windows_alone() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}");
        commitWindow(sink, W2, "{\"lot\":\"B\",\"id\":2}");

        commitWindow(sink, W1, "{\"lot\":\"C\",\"id\":3}");

        assertThat(outputs(dir)).containsExactly("lot=B/" + W2_FILE, "lot=C/" + W1_FILE);
    }

    @Test
    void rerunning_a_partitioned_window_deletes_files_of_values_that_no_longer_appear() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}", "{\"lot\":\"B\",\"id\":2}");

        commitWindow(sink, W1, "{\"lot\":\"B\",\"id\":3}");

        assertThat(outputs(dir)).containsExactly("lot=B/" + W1_FILE);
        assertThat(read(dir.resolve("lot=B").resolve(W1_FILE))).isEqualTo("{\"lot\":\"B\",\"id\":3}\n");
    }

    @Test
    void rerunning_a_window_after_partition_by_was_added_replaces_the_unpartitioned_file() {
        commitWindow(opened(FileSink.jsonl(FileSinkConfig.of(dir))), W1, "{\"lot\":\"A\"}");

        commitWindow(opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot"))), W1, "{\"lot\":\"A\"}");

        assertThat(outputs(dir)).containsExactly("lot=A/" + W1_FILE);
    }

    @Test
    void an_empty_window_writes_no_file() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.of(dir)));

        commitWindow(sink, W1);

        assertThat(files(dir)).isEmpty();
    }

    @Test
    void an_empty_window_deletes_the_old_output_of_that_window() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        commitWindow(sink, W1, "{\"lot\":\"A\"}", "{\"lot\":\"B\"}");
        commitWindow(sink, W2, "{\"lot\":\"A\"}");

        commitWindow(sink, W1);

        assertThat(outputs(dir)).containsExactly("lot=A/" + W2_FILE);
    }

    @Test
    void partition_by_writes_one_file_per_value_with_that_values_records() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));

        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}", "{\"lot\":\"B\",\"id\":2}", "{\"lot\":\"A\",\"id\":3}", "{\"lot\":7,\"id\":4}");

        assertThat(outputs(dir)).containsExactly("lot=7/" + W1_FILE, "lot=A/" + W1_FILE, "lot=B/" + W1_FILE);
        assertThat(read(dir.resolve("lot=A").resolve(W1_FILE))).isEqualTo("{\"lot\":\"A\",\"id\":1}\n{\"lot\":\"A\",\"id\":3}\n");
    }

    @Test
    void records_without_the_partition_field_or_with_null_go_to_the_null_folder() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));

        commitWindow(sink, W1, "{\"id\":1}", "{\"lot\":null,\"id\":2}", "{\"lot\":\"\",\"id\":3}", "{\"lot\":\"null\",\"id\":4}");

        assertThat(outputs(dir)).containsExactly("lot=%/" + W1_FILE, "lot=%null/" + W1_FILE, "lot=null/" + W1_FILE);
        assertThat(read(dir.resolve("lot=%null").resolve(W1_FILE))).isEqualTo("{\"id\":1}\n{\"lot\":null,\"id\":2}\n");
    }

    @Test
    void partition_values_that_try_to_leave_the_folder_stay_inside_it() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir.resolve("out"), "lot")));

        commitWindow(sink, W1, "{\"lot\":\"../x\"}", "{\"lot\":\"a/b\"}", "{\"lot\":\"..\"}", "{\"lot\":\"/etc/passwd\"}");

        assertThat(outputs(dir)).containsExactly(
                "out/lot=%2E%2E/" + W1_FILE, "out/lot=%2E.%2Fx/" + W1_FILE, "out/lot=%2Fetc%2Fpasswd/" + W1_FILE, "out/lot=a%2Fb/" + W1_FILE);
    }

    @Test
    void a_window_with_more_partition_values_than_open_files_writes_every_record() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        int lots = FileSink.MAX_OPEN_FILES * 2 + 3;
        try (WindowWriter w = sink.begin(W1)) {
            for (int round = 0; round < 3; round++)
                for (int lot = 0; lot < lots; lot++)
                    w.write(record("{\"lot\":" + lot + ",\"round\":" + round + "}"));
            w.commit();
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        assertThat(outputs(dir)).hasSize(lots);
        assertThat(read(dir.resolve("lot=40").resolve(W1_FILE)))
                .isEqualTo("{\"lot\":40,\"round\":0}\n{\"lot\":40,\"round\":1}\n{\"lot\":40,\"round\":2}\n");
    }

    @Test
    void id_windows_get_file_names_that_sort_in_window_order() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.of(dir)));

        commitWindow(sink, new IdWindow(100, 200), "{\"id\":100}");
        commitWindow(sink, new IdWindow(9, 100), "{\"id\":9}");

        assertThat(outputs(dir)).containsExactly(
                "0000000000000000009_0000000000000000100.jsonl", "0000000000000000100_0000000000000000200.jsonl");
    }

    @Test
    void closing_a_window_without_commit_deletes_its_temporary_files() throws Exception {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}");

        try (WindowWriter w = sink.begin(W1)) {
            w.write(record("{\"lot\":\"A\",\"id\":2}"));
            w.write(record("{\"lot\":\"B\",\"id\":3}"));
        }

        assertThat(files(dir)).containsExactly("lot=A/" + W1_FILE);
        assertThat(read(dir.resolve("lot=A").resolve(W1_FILE))).isEqualTo("{\"lot\":\"A\",\"id\":1}\n");
    }

    @Test
    void leftover_temporary_files_are_deleted_when_the_sink_opens() throws Exception {
        Files.createDirectories(dir.resolve("lot=A"));
        Files.writeString(dir.resolve("." + W1_FILE + ".k3x9.partial"), "{\"half\":");
        Files.writeString(dir.resolve("lot=A").resolve("." + W1_FILE + ".a1b2.partial"), "{\"half\":");
        Files.createDirectories(dir.resolve(FileSink.STATE_DIR));
        Files.writeString(dir.resolve(FileSink.STATE_DIR).resolve("." + W1_FILE + ".commit.zz.partial"), "sluice-commit 1\n");
        Files.writeString(dir.resolve("notes.txt"), "mine");

        opened(FileSink.jsonl(FileSinkConfig.of(dir)));

        assertThat(files(dir)).containsExactly("notes.txt");
    }

    @Test
    void writing_after_commit_is_a_bug_of_the_caller() throws Exception {
        var sink = opened(FileSink.jsonl(FileSinkConfig.of(dir)));
        try (WindowWriter w = sink.begin(W1)) {
            w.commit();

            assertThatThrownBy(() -> w.write(record("{}"))).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void a_folder_that_cannot_be_created_fails_open_with_sink_unavailable_naming_it() throws Exception {
        Path file = dir.resolve("taken");
        Files.writeString(file, "a file, not a folder");
        var sink = FileSink.jsonl(FileSinkConfig.of(file));

        assertFailsWith(ErrorCode.SINK_UNAVAILABLE, () -> sink.open(FileSinkFixtures.CONTEXT));
        assertThatThrownBy(() -> sink.open(FileSinkFixtures.CONTEXT)).hasMessageContaining(file.toString())
                .hasMessageContaining("files-test").hasMessageContaining("run the window again");
    }

    @Test
    void begin_before_open_is_a_bug_of_the_caller() {
        var sink = FileSink.jsonl(FileSinkConfig.of(dir));

        assertThatThrownBy(() -> sink.begin(W1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_partition_field_name_is_encoded_too() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot/no")));

        commitWindow(sink, W1, "{\"lot/no\":\"A\"}");

        assertThat(outputs(dir)).containsExactly("lot%2Fno=A/" + W1_FILE);
    }

    @Test
    void a_too_long_partition_field_name_is_refused() {
        assertThatThrownBy(() -> FileSinkConfig.partitioned(dir, "x".repeat(FileSinkConfig.MAX_PARTITION_FIELD_LENGTH + 1)))
                .hasMessageContaining("too long");
    }

    @Test
    void on_a_case_insensitive_file_system_values_differing_only_in_case_fail_the_window() {
        var sink = opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot")));
        sink.caseInsensitive = true;

        assertFailsWith(ErrorCode.SINK_REJECTED, () -> commitWindow(sink, W1, "{\"lot\":\"a\"}", "{\"lot\":\"A\"}"));
        assertThat(files(dir)).isEmpty();
    }
}
