package dev.sluice.connectors.files;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a file sink writes.
 *
 * @param dir the folder of the output; the sink creates it. It belongs to one pipeline: the sink
 *     deletes leftover temporary files in it and replaces the files of the windows it writes.
 * @param partitionBy a field whose values split each window into one file per value, in folders
 *     named {@code FIELD=VALUE}; empty for one file per window
 */
public record FileSinkConfig(Path dir, Optional<String> partitionBy) {
    /** The longest encoded partition field name, so that {@code FIELD=VALUE} stays within 255 bytes. */
    public static final int MAX_PARTITION_FIELD_LENGTH = 50;

    public FileSinkConfig {
        requireNonNull(dir, "dir is null");
        requireNonNull(partitionBy, "partitionBy is null");
        partitionBy.ifPresent(FileSinkConfig::checkPartitionField);
    }

    public static FileSinkConfig of(Path dir) {
        return new FileSinkConfig(dir, Optional.empty());
    }

    public static FileSinkConfig partitioned(Path dir, String field) {
        return new FileSinkConfig(dir, Optional.of(field));
    }

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
