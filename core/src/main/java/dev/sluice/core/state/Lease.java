package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.PipelineId;
import java.time.Instant;

/** The right to run a pipeline, held by one process until it is released or expires. */
public record Lease(PipelineId pipeline, String holder, String token, Instant expiresAt) {
    public Lease {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(holder, "holder is null");
        requireNonNull(token, "token is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }
}
