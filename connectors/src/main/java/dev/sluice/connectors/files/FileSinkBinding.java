package dev.sluice.connectors.files;

import dev.sluice.core.config.ConfigObject;
import java.nio.file.Path;
import java.util.Optional;

/** Reads the keys that both file sinks have: {@code path} and {@code partition_by}. */
final class FileSinkBinding {
    private FileSinkBinding() {
    }

    static FileSinkConfig bind(ConfigObject config, String example) {
        config.has("type"); // chose this provider
        String path = config.required("path", example);
        if (path != null && path.isBlank())
            config.problem("path", "must name the output folder, e.g. path: " + example);
        Path dir = path == null ? Path.of(".") : config.file("path").orElse(Path.of("."));
        Optional<String> partitionBy = config.string("partition_by");
        if (partitionBy.isPresent()) {
            Optional<String> problem = FileSinkConfig.partitionFieldProblem(partitionBy.get());
            if (problem.isPresent()) {
                config.problem("partition_by", problem.get());
                partitionBy = Optional.empty();
            }
        }
        return new FileSinkConfig(dir, partitionBy);
    }
}
