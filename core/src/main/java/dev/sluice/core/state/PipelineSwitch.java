package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.PipelineId;
import java.time.Instant;

/**
 * A pipeline switched on or off by hand (through the REST API of {@code sluice serve}), overriding its
 * file's {@code enabled:} key. {@code fileEnabled} is what that key said when the switch was set, so
 * that a later edit of the file can be told apart and win. {@code reason} is free text, may be empty.
 */
public record PipelineSwitch(PipelineId pipeline, boolean enabled, boolean fileEnabled, Instant changedAt, String reason) {
    public PipelineSwitch {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(changedAt, "changedAt is null");
        requireNonNull(reason, "reason is null");
    }
}
