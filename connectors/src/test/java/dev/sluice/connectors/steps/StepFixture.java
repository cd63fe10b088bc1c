package dev.sluice.connectors.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Binds steps from pipeline-file text through the real loader, and applies them to records written as JSON. */
final class StepFixture {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    static final TimeWindow WINDOW = new TimeWindow(Instant.parse("2024-03-10T00:00:00Z"), Instant.parse("2024-03-10T06:00:00Z"));
    static final TimeWindow OTHER_WINDOW = new TimeWindow(Instant.parse("2024-03-10T06:00:00Z"), Instant.parse("2024-03-10T12:00:00Z"));
    static final StepContext CONTEXT = context("steps-test", Clock.fixed(NOW, ZoneOffset.UTC));

    static StepContext context(String pipeline, Clock clock) {
        return new StepContext() {
            @Override public PipelineId pipeline() { return new PipelineId(pipeline); }
            @Override public Clock clock() { return clock; }
        };
    }

    /** The context of pipeline steps-test with the clock standing at {@code now}. */
    static StepContext contextAt(Instant now) {
        return context("steps-test", Clock.fixed(now, ZoneOffset.UTC));
    }

    private StepFixture() {
    }

    /** A whole pipeline file whose {@code steps:} are {@code steps} (YAML list items, one per line or block). */
    static PipelineConfig load(Path dir, String steps) {
        return load(dir, "", steps);
    }

    static PipelineConfig load(Path dir, String connections, String steps) {
        String text = "windows: {start: 2024-03-10T00:00:00Z, size: 6h}\n" + connections + "source: {type: generate}\nsteps:\n"
                + steps.indent(2) + "sink: {type: jsonl, path: out}\n";
        return ConfigLoader.standard().load(dir.resolve("pipeline.yaml"), text);
    }

    /** The one step of a pipeline whose steps are {@code steps}, opened. */
    static Step step(Path dir, String steps) throws Exception {
        Step s = load(dir, steps).steps().getFirst().step();
        s.open(CONTEXT);
        return s;
    }

    /** The message of the CONFIG_INVALID error that loading {@code steps} gives. */
    static String loadError(Path dir, String steps) {
        return loadError(dir, "", steps);
    }

    static String loadError(Path dir, String connections, String steps) {
        SluiceException e = catchThrowableOfType(SluiceException.class, () -> load(dir, connections, steps));
        assertThat(e).as("loading should fail").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
        return e.getMessage();
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static List<DataRecord> records(String... json) {
        return Arrays.stream(json).map(j -> new DataRecord(json(j))).toList();
    }

    static StepResult apply(Step step, Window window, String... json) throws Exception {
        return step.apply(window, records(json));
    }

    /** The records that {@code step} makes of {@code json} in {@link #WINDOW}, as compact JSON text. */
    static List<String> run(Step step, String... json) throws Exception {
        return texts(apply(step, WINDOW, json));
    }

    static List<String> texts(StepResult result) {
        return result.records().stream().map(r -> r.data().toString()).toList();
    }

    /** The error a call fails with, checked to have {@code code}. */
    static SluiceException failure(ErrorCode code, ThrowingCallable call) {
        SluiceException e = catchThrowableOfType(SluiceException.class, call);
        assertThat(e).as("should fail with " + code).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }
}
