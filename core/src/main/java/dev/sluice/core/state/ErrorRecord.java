package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** An error on the books, findable by the id the user was shown. {@code context} holds no secrets. */
public record ErrorRecord(
        String errorId,
        PipelineId pipeline,
        Optional<Long> runId,
        ErrorCode code,
        String message,
        Map<String, String> context,
        Instant at) {
    public ErrorRecord {
        requireNonNull(errorId, "errorId is null");
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
        context = Map.copyOf(requireNonNull(context, "context is null"));
        requireNonNull(at, "at is null");
    }
}
