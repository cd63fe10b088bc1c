package dev.sluice.connectors.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.connectors.files.FileSinkConfig.FilePer;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Optional;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding {@code file_per} and {@code replace_by} of {@code sink: {type: jsonl}} and {@code sink: {type: csv}}. */
class FileSinkBindingTest {
    @TempDir
    Path dir;

    /** A pipeline file whose sink section holds {@code sinkKeys}, each on its own line. */
    private static String file(String sinkKeys) {
        return """
                windows: {start: 2025-01-01T00:00:00Z, size: 1h}
                source: {type: generate}
                sink:
                """ + sinkKeys.indent(2);
    }

    private FileSinkConfig load(String sinkKeys) {
        return ((FileSink) ConfigLoader.standard().load(dir.resolve("p.yaml"), file(sinkKeys)).sink()).config();
    }

    private AbstractStringAssert<?> assertProblems(String sinkKeys) {
        var thrown = new SluiceException[1];
        assertThatThrownBy(() -> {
            try {
                ConfigLoader.standard().load(dir.resolve("p.yaml"), file(sinkKeys));
            } catch (SluiceException e) {
                thrown[0] = e;
                throw e;
            }
        }).isInstanceOf(SluiceException.class);
        assertThat(thrown[0].code()).isEqualTo(ErrorCode.CONFIG_INVALID);
        return assertThat(thrown[0].getMessage());
    }

    @Test
    void file_per_is_window_by_default() {
        FileSinkConfig c = load("""
                type: jsonl
                path: out
                partition_by: lot
                """);

        assertThat(c.filePer()).isEqualTo(FilePer.WINDOW);
        assertThat(c.replaceBy()).isEmpty();
    }

    @Test
    void file_per_partition_and_replace_by_are_bound_for_csv() {
        FileSinkConfig c = load("""
                type: csv
                path: out/lots
                partition_by: Lot Number
                file_per: partition
                replace_by: productionRecordId
                columns: [Lot Number, qty]
                """);

        assertThat(c.filePer()).isEqualTo(FilePer.PARTITION);
        assertThat(c.partitionBy()).contains("Lot Number");
        assertThat(c.replaceBy()).contains("productionRecordId");
    }

    @Test
    void file_per_partition_is_bound_for_jsonl_without_columns() {
        FileSinkConfig c = load("""
                type: jsonl
                path: out
                partition_by: lot
                file_per: partition
                """);

        assertThat(c).isEqualTo(FileSinkConfig.filePerPartition(dir.resolve("out"), "lot", Optional.empty()));
    }

    @Test
    void csv_with_file_per_partition_and_no_columns_is_refused_saying_why_columns_must_be_fixed() {
        assertProblems("""
                type: csv
                path: out
                partition_by: lot
                file_per: partition
                """).contains("p.yaml line 7:13: sink.file_per:").contains("needs columns:")
                .contains("every window's rows go into one file per value").contains("e.g. columns: [");
    }

    @Test
    void file_per_partition_without_partition_by_is_refused_naming_the_key() {
        assertProblems("""
                type: jsonl
                path: out
                file_per: partition
                """).contains("sink.file_per:").contains("there is no partition_by").contains("partition_by: lot");
    }

    @Test
    void replace_by_without_file_per_partition_is_refused() {
        assertProblems("""
                type: jsonl
                path: out
                partition_by: lot
                replace_by: id
                """).contains("sink.replace_by:").contains("file_per: partition only");
    }

    @Test
    void an_unknown_file_per_lists_the_valid_values() {
        assertProblems("""
                type: jsonl
                path: out
                partition_by: lot
                file_per: lot
                """).contains("sink.file_per: 'lot' is not valid; use one of: window, partition");
    }

    @Test
    void an_unknown_file_per_alone_is_the_only_problem_reported_with_replace_by() {
        assertProblems("""
                type: jsonl
                path: out
                partition_by: lot
                file_per: partitions
                replace_by: id
                """).contains("1 problem").contains("sink.file_per:");
    }
}
