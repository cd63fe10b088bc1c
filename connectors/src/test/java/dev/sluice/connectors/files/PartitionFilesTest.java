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

import dev.sluice.connectors.files.FileSinkCrashTest.Killed;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.WindowWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** {@code file_per: partition}: one file per value of {@code partition_by}, holding the rows of every window. */
class PartitionFilesTest {
    static final String W1_PART = "20240501T100000Z_20240501T110000Z.jsonl";
    static final String W2_PART = "20240501T110000Z_20240501T120000Z.jsonl";
    static final List<String> COLUMNS = List.of("lot", "id");

    @TempDir
    Path dir;

    @Test
    void rows_of_one_value_from_two_windows_land_in_one_file_in_window_order() {
        var sink = jsonl(Optional.empty());

        commitWindow(sink, W2, "{\"lot\":\"A\",\"id\":3}", "{\"lot\":\"A\",\"id\":4}");
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}", "{\"lot\":\"B\",\"id\":9}", "{\"lot\":\"A\",\"id\":2}");

        assertThat(valueFiles()).containsExactly("A.jsonl", "B.jsonl");
        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("""
                {"lot":"A","id":1}
                {"lot":"A","id":2}
                {"lot":"A","id":3}
                {"lot":"A","id":4}
                """);
    }

    @Test
    void a_csv_file_of_a_value_has_one_header_then_the_rows_of_every_window() {
        var sink = csv(COLUMNS, Optional.empty());

        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}");
        commitWindow(sink, W2, "{\"id\":2,\"lot\":\"A\"}");

        assertThat(read(dir.resolve("A.csv"))).isEqualTo("lot,id\r\nA,1\r\nA,2\r\n");
    }

    @Test
    void the_rows_are_kept_as_json_lines_parts_under_a_hidden_folder_and_nothing_else_is_left() {
        var sink = csv(COLUMNS, Optional.empty());

        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}");

        assertThat(files(dir)).containsExactly(".parts/lot=A/" + W1_PART, "A.csv");
        assertThat(read(dir.resolve(".parts/lot=A").resolve(W1_PART))).isEqualTo("{\"lot\":\"A\",\"id\":1}\n");
    }

    @Test
    void nothing_is_visible_before_commit() throws Exception {
        var sink = jsonl(Optional.empty());
        try (WindowWriter w = sink.begin(W1)) {
            w.write(record("{\"lot\":\"A\",\"id\":1}"));

            assertThat(outputs(dir)).isEmpty();

            w.commit();
        }
        assertThat(valueFiles()).containsExactly("A.jsonl");
    }

    @Test
    void running_a_window_again_replaces_its_rows_instead_of_repeating_them() {
        var sink = jsonl(Optional.empty());
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}");
        commitWindow(sink, W2, "{\"lot\":\"A\",\"id\":2}");

        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":10}", "{\"lot\":\"A\",\"id\":11}");

        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("""
                {"lot":"A","id":10}
                {"lot":"A","id":11}
                {"lot":"A","id":2}
                """);
    }

    @Test
    void a_value_missing_from_a_window_run_again_loses_that_windows_rows() {
        var sink = jsonl(Optional.empty());
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}", "{\"lot\":\"B\",\"id\":2}");
        commitWindow(sink, W2, "{\"lot\":\"A\",\"id\":3}");

        commitWindow(sink, W1, "{\"lot\":\"B\",\"id\":4}");

        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("{\"lot\":\"A\",\"id\":3}\n");
        assertThat(read(dir.resolve("B.jsonl"))).isEqualTo("{\"lot\":\"B\",\"id\":4}\n");
    }

    @Test
    void the_file_of_a_value_with_no_rows_left_in_any_window_is_deleted() {
        var sink = jsonl(Optional.empty());
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}", "{\"lot\":\"B\",\"id\":2}");

        commitWindow(sink, W1, "{\"lot\":\"B\",\"id\":2}");

        assertThat(outputs(dir)).containsExactly(".parts/lot=B/" + W1_PART, "B.jsonl");
    }

    @Test
    void an_empty_window_run_again_deletes_its_rows_from_every_value() {
        var sink = jsonl(Optional.empty());
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}");
        commitWindow(sink, W2, "{\"lot\":\"A\",\"id\":2}");

        commitWindow(sink, W1);

        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("{\"lot\":\"A\",\"id\":2}\n");
    }

    @Test
    void replace_by_keeps_only_the_rows_of_the_last_window_holding_a_key() {
        var sink = jsonl(Optional.of("rec"));

        commitWindow(sink, W1, "{\"lot\":\"A\",\"rec\":1,\"v\":\"old\"}", "{\"lot\":\"A\",\"rec\":1,\"v\":\"old too\"}",
                "{\"lot\":\"A\",\"rec\":2,\"v\":\"kept\"}");
        commitWindow(sink, W2, "{\"lot\":\"A\",\"rec\":1,\"v\":\"new\"}");

        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("""
                {"lot":"A","rec":2,"v":"kept"}
                {"lot":"A","rec":1,"v":"new"}
                """);
    }

    @Test
    void replace_by_follows_window_order_not_the_order_windows_were_written_in() {
        var sink = jsonl(Optional.of("rec"));

        commitWindow(sink, W2, "{\"lot\":\"A\",\"rec\":1,\"v\":\"later window\"}");
        commitWindow(sink, W1, "{\"lot\":\"A\",\"rec\":1,\"v\":\"earlier window\"}");

        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("{\"lot\":\"A\",\"rec\":1,\"v\":\"later window\"}\n");
    }

    @Test
    void rows_without_the_replace_by_field_or_with_null_are_all_kept() {
        var sink = jsonl(Optional.of("rec"));

        commitWindow(sink, W1, "{\"lot\":\"A\",\"v\":1}", "{\"lot\":\"A\",\"rec\":null,\"v\":2}");
        commitWindow(sink, W2, "{\"lot\":\"A\",\"v\":3}", "{\"lot\":\"A\",\"rec\":null,\"v\":4}");

        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("""
                {"lot":"A","v":1}
                {"lot":"A","rec":null,"v":2}
                {"lot":"A","v":3}
                {"lot":"A","rec":null,"v":4}
                """);
    }

    @Test
    void a_csv_file_leaves_the_replace_by_field_out_when_it_is_not_a_column() {
        var sink = csv(COLUMNS, Optional.of("rec"));

        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1,\"rec\":\"r1\"}");
        commitWindow(sink, W2, "{\"lot\":\"A\",\"id\":2,\"rec\":\"r1\"}");

        assertThat(read(dir.resolve("A.csv"))).isEqualTo("lot,id\r\nA,2\r\n");
    }

    @Test
    void a_csv_file_shows_the_replace_by_field_when_it_is_a_column() {
        var sink = csv(List.of("lot", "rec", "id"), Optional.of("rec"));

        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1,\"rec\":\"r1\"}");

        assertThat(read(dir.resolve("A.csv"))).isEqualTo("lot,rec,id\r\nA,r1,1\r\n");
    }

    @Test
    void a_jsonl_file_keeps_the_replace_by_field() {
        var sink = jsonl(Optional.of("rec"));

        commitWindow(sink, W1, "{\"lot\":\"A\",\"rec\":\"r1\"}");

        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("{\"lot\":\"A\",\"rec\":\"r1\"}\n");
    }

    @Test
    void decimal_numbers_keep_every_digit_through_the_parts() throws Exception {
        var sink = csv(List.of("lot", "amount", "tiny"), Optional.empty());
        ObjectNode data = FileSinkFixtures.JSON.createObjectNode().put("lot", "A").put("amount", new BigDecimal("12.30"))
                .put("tiny", new BigDecimal("0.1000000000000000000001"));
        try (WindowWriter w = sink.begin(W1)) {
            w.write(new DataRecord(data));
            w.commit();
        }

        assertThat(read(dir.resolve("A.csv"))).isEqualTo("lot,amount,tiny\r\nA,12.30,0.1000000000000000000001\r\n");
    }

    @Test
    void records_without_the_partition_field_or_with_null_go_to_the_null_file() {
        var sink = jsonl(Optional.empty());

        commitWindow(sink, W1, "{\"id\":1}", "{\"lot\":null,\"id\":2}", "{\"lot\":\"null\",\"id\":3}");

        assertThat(valueFiles()).containsExactly("%null.jsonl", "null.jsonl");
        assertThat(read(dir.resolve("%null.jsonl"))).isEqualTo("{\"id\":1}\n{\"lot\":null,\"id\":2}\n");
    }

    @Test
    void values_are_encoded_into_safe_file_names_as_partition_folders_are() {
        var sink = jsonl(Optional.empty());

        commitWindow(sink, W1, "{\"lot\":\"../x\"}", "{\"lot\":\"a/b\"}");

        assertThat(valueFiles()).containsExactly("%2E.%2Fx.jsonl", "a%2Fb.jsonl");
    }

    @Test
    void a_field_outside_the_columns_fails_the_window_when_written_and_leaves_the_file_unchanged() throws Exception {
        var sink = csv(COLUMNS, Optional.of("rec"));
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}");

        try (WindowWriter w = sink.begin(W2)) {
            w.write(record("{\"lot\":\"A\",\"id\":2,\"rec\":\"r\"}"));
            assertFailsWith(ErrorCode.SINK_REJECTED, () -> w.write(record("{\"lot\":\"A\",\"id\":3,\"extra\":true}")));
            assertThatThrownBy(() -> w.write(record("{\"lot\":\"A\",\"extra\":true}"))).hasMessageContaining("'extra'")
                    .hasMessageContaining("A.csv").hasMessageContaining("columns: [lot, id, extra]");
        }

        assertThat(read(dir.resolve("A.csv"))).isEqualTo("lot,id\r\nA,1\r\n");
        assertThat(files(dir)).containsExactly(".parts/lot=A/" + W1_PART, "A.csv");
    }

    @Test
    void two_windows_committed_at_once_from_two_threads_both_appear_in_the_file() throws Exception {
        var sink = jsonl(Optional.empty());
        // Both commits wait at their commit point for each other, so that their renames and rebuilds overlap.
        var bothPublished = new CyclicBarrier(2);
        sink.afterCommitPoint = () -> {
            try {
                bothPublished.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the other commit did not reach its commit point", e);
            }
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = threads.submit(() -> commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}"));
            Future<?> second = threads.submit(() -> commitWindow(sink, W2, "{\"lot\":\"A\",\"id\":2}"));
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("{\"lot\":\"A\",\"id\":1}\n{\"lot\":\"A\",\"id\":2}\n");
    }

    @Test
    void a_kill_right_after_the_commit_point_keeps_the_old_file_and_the_next_open_rolls_forward_to_the_new_one() throws Exception {
        var sink = jsonl(Optional.empty());
        commitWindow(sink, W1, "{\"lot\":\"A\",\"id\":1}");
        commitWindow(sink, W2, "{\"lot\":\"A\",\"id\":2}");
        sink.afterCommitPoint = () -> {
            throw new Killed();
        };
        WindowWriter abandoned = sink.begin(W1);
        abandoned.write(record("{\"lot\":\"A\",\"id\":10}"));
        abandoned.write(record("{\"lot\":\"B\",\"id\":11}"));
        assertThatThrownBy(abandoned::commit).isInstanceOf(Killed.class);
        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("{\"lot\":\"A\",\"id\":1}\n{\"lot\":\"A\",\"id\":2}\n");
        assertThat(valueFiles()).containsExactly("A.jsonl");

        jsonl(Optional.empty());

        assertThat(read(dir.resolve("A.jsonl"))).isEqualTo("{\"lot\":\"A\",\"id\":10}\n{\"lot\":\"A\",\"id\":2}\n");
        assertThat(read(dir.resolve("B.jsonl"))).isEqualTo("{\"lot\":\"B\",\"id\":11}\n");
        assertThat(files(dir)).noneMatch(f -> f.startsWith(".sluice/") || f.endsWith(".partial"));
    }

    @Test
    void a_kill_half_way_through_rebuilding_is_finished_when_the_sink_opens() throws Exception {
        // The window's part of B was renamed into place and A rebuilt; then the process was killed before B was rebuilt.
        Files.createDirectories(dir.resolve(".parts/lot=A"));
        Files.createDirectories(dir.resolve(".parts/lot=B"));
        Files.createDirectories(dir.resolve(".sluice"));
        Files.writeString(dir.resolve(".parts/lot=A").resolve(W1_PART), "{\"lot\":\"A\"}\n");
        Files.writeString(dir.resolve(".parts/lot=B").resolve(W1_PART), "{\"lot\":\"B\"}\n");
        Files.writeString(dir.resolve("A.jsonl"), "{\"lot\":\"A\"}\n");
        Files.writeString(dir.resolve(".sluice").resolve(W1_PART + ".commit"), """
                sluice-commit 1
                move\t.parts/lot=A/.%1$s.a1.partial\t.parts/lot=A/%1$s
                move\t.parts/lot=B/.%1$s.b1.partial\t.parts/lot=B/%1$s
                rebuild\t.parts/lot=A
                rebuild\t.parts/lot=B
                end
                """.formatted(W1_PART));

        jsonl(Optional.empty());

        assertThat(files(dir)).containsExactly(".parts/lot=A/" + W1_PART, ".parts/lot=B/" + W1_PART, "A.jsonl", "B.jsonl");
        assertThat(read(dir.resolve("B.jsonl"))).isEqualTo("{\"lot\":\"B\"}\n");
    }

    @Test
    void leftover_temporary_parts_and_value_files_are_deleted_when_the_sink_opens() throws Exception {
        commitWindow(csv(COLUMNS, Optional.empty()), W1, "{\"lot\":\"A\",\"id\":1}");
        Files.writeString(dir.resolve(".parts/lot=A").resolve("." + W2_PART + ".k3x9.partial"), "{\"half\":");
        Files.writeString(dir.resolve(".A.csv.a1b2.partial"), "lot,id\r\nA,");

        csv(COLUMNS, Optional.empty());

        assertThat(files(dir)).containsExactly(".parts/lot=A/" + W1_PART, "A.csv");
    }

    @Test
    void running_a_window_after_switching_from_file_per_window_deletes_that_windows_per_window_files() {
        commitWindow(opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot"))), W1, "{\"lot\":\"A\"}");
        commitWindow(opened(FileSink.jsonl(FileSinkConfig.partitioned(dir, "lot"))), W2, "{\"lot\":\"A\"}");

        commitWindow(jsonl(Optional.empty()), W1, "{\"lot\":\"A\"}");

        assertThat(outputs(dir)).containsExactly(".parts/lot=A/" + W1_PART, "A.jsonl", "lot=A/" + W2_PART);
    }

    @Test
    void a_csv_sink_with_file_per_partition_needs_columns() {
        assertThatThrownBy(() -> FileSink.csv(FileSinkConfig.filePerPartition(dir, "lot", Optional.empty()), CsvOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("columns");
    }

    /** The visible output: files ending in {@code .jsonl} or {@code .csv}, outside the hidden folders. */
    private List<String> valueFiles() {
        return outputs(dir).stream().filter(f -> !f.startsWith(".")).toList();
    }

    private FileSink jsonl(Optional<String> replaceBy) {
        return opened(FileSink.jsonl(FileSinkConfig.filePerPartition(dir, "lot", replaceBy)));
    }

    private FileSink csv(List<String> columns, Optional<String> replaceBy) {
        return opened(FileSink.csv(FileSinkConfig.filePerPartition(dir, "lot", replaceBy), new CsvOptions(columns, false)));
    }
}
