package dev.sluice.connectors.generate;

import dev.sluice.core.spi.Source;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import dev.sluice.testkit.SourceContractTest;
import java.time.Duration;
import java.time.Instant;

class GenerateSourceContractTest extends SourceContractTest {
    @Override
    protected Source newSource() {
        return new GenerateSource(new GenerateSourceConfig(Duration.ofSeconds(7), Duration.ZERO, 50, 3, 10));
    }

    @Override
    protected Window window() {
        return new TimeWindow(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T01:00:00Z"));
    }
}
