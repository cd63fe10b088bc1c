package dev.sluice.cli;

import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.state.StateStore;
import dev.sluice.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** What every command on pipeline files takes besides the files: where their state is, and how to log. */
class StateOptions {
    @Option(names = "--state", paramLabel = "URL",
            description = "state store: sqlite:PATH or a PostgreSQL JDBC URL (default: the file's state: key, else .sluice/state.db beside the pipeline file)")
    String state;

    @Option(names = {"-v", "--verbose"}, description = "log every event (windows, runs) on standard error")
    boolean verbose;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text", description = "log format on standard error: ${DEFAULT-VALUE} or json")
    String logFormat;

    void configureLogging() {
        Logging.configure(verbose, logFormat);
    }

    String stateUrl(PipelineConfig config) {
        return state != null ? state : config.stateUrlOrDefault();
    }

    StateStore openState(PipelineConfig config) {
        return StateStores.open(stateUrl(config));
    }

    /** The state store if it already exists; a read-only command never creates one. */
    Optional<StateStore> openExistingState(PipelineConfig config) {
        String url = stateUrl(config);
        if (url.startsWith("sqlite:") && !Files.exists(Path.of(url.substring("sqlite:".length()))))
            return Optional.empty();
        return Optional.of(StateStores.open(url));
    }

    /** Runs {@code body} with the state store if it already exists, and closes it afterwards. */
    <T> T withExistingState(PipelineConfig config, java.util.function.Function<Optional<StateStore>, T> body) {
        Optional<StateStore> opened = openExistingState(config);
        try {
            return body.apply(opened);
        } finally {
            opened.ifPresent(StateStore::close);
        }
    }
}
