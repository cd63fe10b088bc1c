package dev.sluice.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.PipelineId;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.window.Window;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Binds pipeline files written in a test, and reads windows through their source the way the runner does. */
final class PipelineFixture {
    static final SourceContext SOURCE_CONTEXT = new SourceContext() {
        @Override public PipelineId pipeline() { return new PipelineId("test"); }
        @Override public Clock clock() { return Clock.systemUTC(); }
    };
    static final StepContext STEP_CONTEXT = new StepContext() {
        @Override public PipelineId pipeline() { return new PipelineId("test"); }
        @Override public Clock clock() { return Clock.systemUTC(); }
    };

    private PipelineFixture() {
    }

    /** A whole pipeline file around {@code body} (which holds connections:, source: and maybe steps:). */
    static PipelineConfig load(Path dir, String windows, String body) {
        String text = "windows:\n" + windows.indent(2) + body + "\nsink: {type: jsonl, path: out}\n";
        return ConfigLoader.standard().load(dir.resolve("test.yaml"), text);
    }

    /** Every record of {@code window}, page after page, as the runner reads them; and the number of pages. */
    static List<DataRecord> readAll(Source source, Window window) throws Exception {
        var out = new ArrayList<DataRecord>();
        Optional<String> after = Optional.empty();
        int pages = 0;
        do {
            Page page = source.read(window, after);
            out.addAll(page.records());
            after = page.next();
            assertThat(++pages).as("pages read").isLessThan(100_000);
        } while (after.isPresent());
        return out;
    }

    static List<Long> ids(List<DataRecord> records) {
        return records.stream().map(r -> r.data().get("id").asLong()).toList();
    }
}
