package dev.sluice.connectors.files;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a file sink writes, and how it splits the output into files.
 *
 * @param dir the folder of the output; the sink creates it. It belongs to one pipeline: the sink
 *     deletes leftover temporary files in it and replaces the files of the windows it writes.
 * @param partitionBy a field whose values split the output into one file per value; empty for one
 *     file per window
 * @param filePer {@link FilePer#WINDOW}: each window has its own files, in folders named
 *     {@code FIELD=VALUE} with {@code partitionBy}; {@link FilePer#PARTITION}: one file per value of
 *     {@code partitionBy} holding the rows of every window (needs {@code partitionBy})
 * @param replaceBy with {@link FilePer#PARTITION} only: a field identifying a row across windows;
 *     of the windows holding a value of it, only the last one's rows are kept in a value's file
 */
public record FileSinkConfig(Path dir, Optional<String> partitionBy, FilePer filePer, Optional<String> replaceBy) {
    /** The longest encoded partition field name, so that {@code FIELD=VALUE} stays within 255 bytes. */
    public static final int MAX_PARTITION_FIELD_LENGTH = 50;

    /** What one output file holds. */
    public enum FilePer {
        /** The records of one window (and one value of {@code partition_by}). */
        WINDOW,
        /** The records of one value of {@code partition_by}, from every window. */
        PARTITION
    }

    public FileSinkConfig {
        requireNonNull(dir, "dir is null");
        requireNonNull(partitionBy, "partitionBy is null");
        requireNonNull(filePer, "filePer is null");
        requireNonNull(replaceBy, "replaceBy is null");
        partitionBy.ifPresent(FileSinkConfig::checkPartitionField);
        if (filePer == FilePer.PARTITION && partitionBy.isEmpty())
            throw new IllegalArgumentException(FILE_PER_PARTITION_NEEDS_PARTITION_BY);
        if (replaceBy.isPresent() && filePer != FilePer.PARTITION)
            throw new IllegalArgumentException(REPLACE_BY_NEEDS_FILE_PER_PARTITION);
        if (replaceBy.isPresent() && replaceBy.get().isEmpty())
            throw new IllegalArgumentException(REPLACE_BY_EMPTY);
    }

    /** One file per window, and one per value of {@code partitionBy} when present. */
    public FileSinkConfig(Path dir, Optional<String> partitionBy) {
        this(dir, partitionBy, FilePer.WINDOW, Optional.empty());
    }

    public static FileSinkConfig of(Path dir) {
        return new FileSinkConfig(dir, Optional.empty());
    }

    public static FileSinkConfig partitioned(Path dir, String field) {
        return new FileSinkConfig(dir, Optional.of(field));
    }

    /** One file per value of {@code field} holding the rows of every window; see {@link FileSink}. */
    public static FileSinkConfig filePerPartition(Path dir, String field, Optional<String> replaceBy) {
        return new FileSinkConfig(dir, Optional.of(field), FilePer.PARTITION, replaceBy);
    }

    static final String FILE_PER_PARTITION_NEEDS_PARTITION_BY = "file_per: partition writes one file per value of the "
            + "partition_by field, and there is no partition_by; add one, e.g. partition_by: lot, or remove file_per";
    static final String REPLACE_BY_NEEDS_FILE_PER_PARTITION = "replace_by works with file_per: partition only (it chooses "
            + "which window's rows a value's file keeps); set file_per: partition, or remove replace_by";
    static final String REPLACE_BY_EMPTY = "replace_by must name a field, e.g. replace_by: record_id";

    /** Why {@code field} can't be a partition field, or empty if it can. */
    static Optional<String> partitionFieldProblem(String field) {
        if (field.isEmpty())
            return Optional.of("partition_by must name a field, e.g. partition_by: lot");
        if (SafeFileName.encode(field).length() > MAX_PARTITION_FIELD_LENGTH)
            return Optional.of("partition_by field '" + field + "' is too long for a folder name; rename the field with a "
                    + "step to at most " + MAX_PARTITION_FIELD_LENGTH + " letters or digits");
        return Optional.empty();
    }

    private static void checkPartitionField(String field) {
        partitionFieldProblem(field).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }
}
