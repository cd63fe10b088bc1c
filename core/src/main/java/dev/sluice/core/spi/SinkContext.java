package dev.sluice.core.spi;

import dev.sluice.core.PipelineId;

/** What a sink may know of the run it is part of. */
public interface SinkContext {
    PipelineId pipeline();
}
