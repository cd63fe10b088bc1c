package dev.sluice.core.config;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.PipelineId;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.Step;
import java.util.List;
import dev.sluice.core.window.WindowSettings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A pipeline file, bound and validated: its windows, its source, steps and sink (bound, not yet opened),
 * where its books are kept, and how {@code sluice serve} runs it. {@code state} is the {@code state:} URL
 * of the file, if it has one.
 */
public record PipelineConfig(
        PipelineId id,
        Path file,
        String description,
        Optional<String> state,
        WindowSettings windows,
        String sourceType,
        Source source,
        String sinkType,
        Sink sink,
        List<PipelineStep> steps,
        int parallelism,
        ServiceSettings service) {
    public PipelineConfig {
        requireNonNull(id, "id is null");
        requireNonNull(file, "file is null");
        requireNonNull(description, "description is null");
        requireNonNull(state, "state is null");
        requireNonNull(windows, "windows is null");
        requireNonNull(sourceType, "sourceType is null");
        requireNonNull(source, "source is null");
        requireNonNull(sinkType, "sinkType is null");
        requireNonNull(sink, "sink is null");
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
        if (parallelism < 1)
            throw new IllegalArgumentException("parallelism must be at least 1");
        requireNonNull(service, "service is null");
    }

    /**
     * A pipeline without steps, whose records go from the source to the sink as they are, and with the
     * {@link ServiceSettings#DEFAULT default service settings}.
     */
    public PipelineConfig(PipelineId id, Path file, String description, Optional<String> state, WindowSettings windows,
                          String sourceType, Source source, String sinkType, Sink sink, int parallelism) {
        this(id, file, description, state, windows, sourceType, source, sinkType, sink, List.of(), parallelism, ServiceSettings.DEFAULT);
    }

    /** One item of {@code steps:}: its name (for messages and key status), its type, and the bound step. */
    public record PipelineStep(String name, String type, Step step) {
        public PipelineStep {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            requireNonNull(step, "step is null");
        }
    }

    /**
     * The {@code state:} URL with a relative SQLite path taken from the pipeline file's folder, or
     * by default {@code .sluice/state.db} beside the pipeline file.
     */
    public String stateUrlOrDefault() {
        Path dir = file.toAbsolutePath().getParent();
        if (state.isEmpty())
            return "sqlite:" + dir.resolve(".sluice").resolve("state.db");
        String url = state.get();
        for (String prefix : new String[] {"sqlite:", "jdbc:sqlite:"})
            if (url.startsWith(prefix))
                return "sqlite:" + dir.resolve(url.substring(prefix.length())).normalize();
        return url;
    }
}
