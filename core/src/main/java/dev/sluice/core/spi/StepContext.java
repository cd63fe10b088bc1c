package dev.sluice.core.spi;

import dev.sluice.core.PipelineId;
import java.time.Clock;

/** What a step may know of the run it is part of. */
public interface StepContext {
    PipelineId pipeline();

    Clock clock();
}
