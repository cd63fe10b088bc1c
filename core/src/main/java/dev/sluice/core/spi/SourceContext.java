package dev.sluice.core.spi;

import dev.sluice.core.PipelineId;
import java.time.Clock;

/** What a source may know of the run it is part of. */
public interface SourceContext {
    PipelineId pipeline();

    Clock clock();
}
