package dev.sluice.cli;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Parameters;

/** What every command on one pipeline takes: the pipeline file, where its state is, and how to log. */
final class PipelineOptions extends StateOptions {
    @Parameters(index = "0", paramLabel = "FILE", description = "the pipeline file (YAML)")
    Path file;

    PipelineConfig load() {
        configureLogging();
        return ConfigLoader.standard().load(file);
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
