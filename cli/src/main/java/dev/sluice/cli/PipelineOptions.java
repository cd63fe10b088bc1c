package dev.sluice.cli;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.state.StateStore;
import dev.sluice.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What every pipeline command takes: the pipeline file, where its state is, and how to log. */
final class PipelineOptions {
    @Parameters(index = "0", paramLabel = "FILE", description = "the pipeline file (YAML)")
    Path file;

    @Option(names = "--state", paramLabel = "URL",
            description = "state store: sqlite:PATH or a PostgreSQL JDBC URL (default: the file's state: key, else .sluice/state.db beside the pipeline file)")
    String state;

    @Option(names = {"-v", "--verbose"}, description = "log every event (windows, runs) on standard error")
    boolean verbose;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text", description = "log format on standard error: ${DEFAULT-VALUE} or json")
    String logFormat;

    PipelineConfig load() {
        Logging.configure(verbose, logFormat);
        return ConfigLoader.standard().load(file);
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

    static Clock clock(String now) {
        if (now == null)
            return Clock.systemUTC();
        return Clock.fixed(instant("--now", now), ZoneOffset.UTC);
    }

    static Instant instant(String option, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new SluiceException(ErrorCode.USAGE, option + " '" + text + "' is not an ISO-8601 instant; write it like 2025-07-01T17:00:00Z");
        }
    }
}
