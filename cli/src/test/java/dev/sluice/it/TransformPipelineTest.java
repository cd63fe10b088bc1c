package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.config.ServiceSettings;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Span;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import dev.sluice.core.window.WindowSettings;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Transform steps bound from a pipeline file, run by the runner: rejected records on the books, dead letters committed with their window. */
class TransformPipelineTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T02:00:00Z"), ZoneOffset.UTC);
    private static final PipelineId ID = new PipelineId("transform");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String STEPS = """
            windows: {start: 2025-01-01T00:00:00Z, size: 1h}
            source: {type: generate}
            steps:
              - {type: filter, where: "!user.startsWith('VOD_')"}
              - type: validate
                name: check
                on_invalid: dead_letter
                dead_letter: {path: dead-letters}
                schema: {type: object, required: [qty], properties: {qty: {type: integer, minimum: 0}}}
              - {type: compute, fields: {double_qty: "qty * 2"}}
            sink: {type: jsonl, path: out}
            """;

    @TempDir
    Path dir;
    StateStore store;
    ScriptedSource source = new ScriptedSource();
    MemorySink sink = new MemorySink();

    @BeforeEach
    void openStore() {
        store = StateStores.open("sqlite:" + dir.resolve("state.db"));
        for (int h = 0; h < 2; h++)
            source.scripts.put(hour(h), (w, after) -> Page.last(List.of(record("{\"user\": \"ann\", \"qty\": 1}"))));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static DataRecord record(String json) {
        try {
            return new DataRecord((tools.jackson.databind.node.ObjectNode) JSON.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static TimeWindow hour(int i) {
        return new TimeWindow(T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * (i + 1)));
    }

    private RunResult run() {
        var steps = ConfigLoader.standard().load(dir.resolve("transform.yaml"), STEPS).steps();
        var windows = WindowSettings.time(T0, Optional.of(Span.parse("1h")));
        var pipeline = new PipelineConfig(ID, dir.resolve("transform.yaml"), "", Optional.empty(), windows, "scripted", source, "memory", sink, steps, 1,
                ServiceSettings.DEFAULT);
        return new Runner(pipeline, store, NOW, new RunListener() { }, new StopSignal(), Leases.currentHolder()).run();
    }

    private LedgerEntry entry(Window w) {
        return store.ledger(ID, CursorKind.TIME, Optional.empty(), 100).stream().filter(e -> e.window().equals(w)).findFirst().orElseThrow();
    }

    private Path deadLetters(Window w) {
        return dir.resolve("dead-letters/check/" + w.fileName() + ".jsonl");
    }

    @Test
    void dead_lettered_and_filtered_records_are_counted_as_rejected_and_the_dead_letters_are_there_after_commit() throws Exception {
        for (int h = 0; h < 2; h++)
            source.scripts.put(hour(h), (w, after) -> Page.last(List.of(record("{\"user\": \"ann\", \"qty\": 2}"),
                    record("{\"user\": \"VOD_bot\", \"qty\": 1}"), record("{\"user\": \"bob\", \"qty\": -1}"), record("{\"user\": \"cy\"}"))));

        RunResult result = run();

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        var counts = entry(hour(0)).counts();
        assertThat(counts.read()).isEqualTo(4);
        assertThat(counts.written()).isEqualTo(1);
        assertThat(counts.rejected()).isEqualTo(3); // one filtered, two dead letters
        assertThat(sink.committed.get(hour(0))).extracting(r -> r.data().toString()).containsExactly("{\"user\":\"ann\",\"qty\":2,\"double_qty\":4}");
        List<String> letters = Files.readAllLines(deadLetters(hour(0)));
        assertThat(letters).hasSize(2);
        assertThat(JSON.readTree(letters.getFirst()).get("window_start").asString()).isEqualTo(hour(0).startText());
        assertThat(deadLetters(hour(1))).exists();
    }

    @Test
    void a_failed_window_leaves_no_dead_letters_behind() throws Exception {
        source.scripts.put(hour(0), (w, after) -> {
            if (after.isEmpty())
                return new Page(List.of(record("{\"user\": \"bob\", \"qty\": -1}")), Optional.of("2"), 0);
            throw new IOException("connection reset");
        });

        RunResult result = run();

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.errors().getFirst().code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
        assertThat(entry(hour(0)).status()).isEqualTo(WindowStatus.FAILED);
        assertThat(deadLetters(hour(0))).doesNotExist();
        Path folder = dir.resolve("dead-letters/check");
        if (Files.exists(folder))
            try (var files = Files.list(folder)) {
                assertThat(files).as("no staging file is left either").isEmpty();
            }
    }

    @Test
    void a_re_run_of_a_failed_window_commits_its_dead_letters_once() throws Exception {
        boolean[] failing = {true};
        source.scripts.put(hour(0), (w, after) -> {
            if (after.isEmpty())
                return new Page(List.of(record("{\"user\": \"bob\", \"qty\": -1}")), Optional.of("2"), 0);
            if (failing[0])
                throw new IOException("connection reset");
            return Page.last(List.of(record("{\"user\": \"cy\", \"qty\": -5}")));
        });
        run();
        failing[0] = false;

        RunResult retry = run();

        assertThat(retry.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readAllLines(deadLetters(hour(0)))).hasSize(2);
        assertThat(entry(hour(0)).counts().rejected()).isEqualTo(2);
    }
}
