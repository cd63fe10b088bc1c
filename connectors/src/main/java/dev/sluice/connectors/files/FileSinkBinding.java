package dev.sluice.connectors.files;

import dev.sluice.connectors.files.FileSinkConfig.FilePer;
import dev.sluice.core.config.ConfigObject;
import java.nio.file.Path;
import java.util.Optional;

/** Reads the keys that both file sinks have: {@code path}, {@code partition_by}, {@code file_per} and {@code replace_by}. */
final class FileSinkBinding {
    private FileSinkBinding() {
    }

    /**
     * Binds the keys, reporting each problem to {@code config}; the returned settings are always
     * consistent (a key with a problem is left out), so that the caller can go on binding.
     */
    static FileSinkConfig bind(ConfigObject config, String example) {
        config.has("type"); // chose this provider
        String path = config.required("path", example);
        if (path != null && path.isBlank())
            config.problem("path", "must name the output folder, e.g. path: " + example);
        Path dir = path == null ? Path.of(".") : config.file("path").orElse(Path.of("."));
        Optional<String> partitionBy = config.string("partition_by");
        boolean partitionByGiven = partitionBy.isPresent();
        if (partitionBy.isPresent()) {
            Optional<String> problem = FileSinkConfig.partitionFieldProblem(partitionBy.get());
            if (problem.isPresent()) {
                config.problem("partition_by", problem.get());
                partitionBy = Optional.empty();
            }
        }
        Optional<FilePer> chosen = config.choice("file_per", FilePer.class); // an unknown value is reported, listing the valid ones
        FilePer filePer = chosen.orElse(FilePer.WINDOW);
        if (filePer == FilePer.PARTITION && partitionBy.isEmpty()) {
            if (!partitionByGiven) // a partition_by with a problem was reported already
                config.problem("file_per", FileSinkConfig.FILE_PER_PARTITION_NEEDS_PARTITION_BY);
            filePer = FilePer.WINDOW;
        }
        Optional<String> replaceBy = config.string("replace_by");
        if (replaceBy.isPresent() && replaceBy.get().isEmpty()) {
            config.problem("replace_by", FileSinkConfig.REPLACE_BY_EMPTY);
            replaceBy = Optional.empty();
        } else if (replaceBy.isPresent() && filePer != FilePer.PARTITION) {
            // Only when file_per itself is fine: a file_per with a problem was reported already and explains this one.
            if (chosen.orElse(FilePer.WINDOW) == FilePer.WINDOW && (chosen.isPresent() || !config.has("file_per")))
                config.problem("replace_by", FileSinkConfig.REPLACE_BY_NEEDS_FILE_PER_PARTITION);
            replaceBy = Optional.empty();
        }
        return new FileSinkConfig(dir, partitionBy, filePer, replaceBy);
    }
}
