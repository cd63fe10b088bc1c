package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.OTHER_WINDOW;
import static dev.sluice.connectors.steps.StepFixture.WINDOW;
import static dev.sluice.connectors.steps.StepFixture.apply;
import static dev.sluice.connectors.steps.StepFixture.failure;
import static dev.sluice.connectors.steps.StepFixture.json;
import static dev.sluice.connectors.steps.StepFixture.loadError;
import static dev.sluice.connectors.steps.StepFixture.step;
import static dev.sluice.connectors.steps.StepFixture.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.Step;
import dev.sluice.core.window.Window;
import dev.sluice.testkit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate: records checked against a JSON Schema; invalid ones fail the window, are skipped, or become dead letters. */
class ValidateStepTest {
    private static final String SCHEMA = "schema: {type: object, required: [id], properties: {id: {type: integer}}}";
    private static final String GOOD = "{\"id\": 1}";
    private static final String BAD = "{\"id\": \"x\"}";
    private static final String TO_FILES = "- {type: validate, name: check, on_invalid: dead_letter, dead_letter: {path: dl}, " + SCHEMA + "}";
    private static final Instant CUT = StepFixture.NOW;

    @TempDir
    Path dir;

    @Test
    void valid_records_pass_unchanged() throws Exception {
        Step s = step(dir, "- {type: validate, " + SCHEMA + "}");

        assertThat(texts(apply(s, WINDOW, GOOD))).containsExactly("{\"id\":1}");
    }

    @Test
    void by_default_an_invalid_record_fails_the_window_with_its_position_key_and_errors() throws Exception {
        Step s = step(dir, "- {type: validate, key: code, " + SCHEMA + "}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> apply(s, WINDOW, GOOD, "{\"id\": \"x\", \"code\": \"K-9\"}"));

        assertThat(e.getMessage()).contains("step 'validate-1'", WINDOW.toString(), "record 2 of the window (key K-9)", "/id", "integer");
    }

    @Test
    void skip_leaves_invalid_records_out_and_counts_them() throws Exception {
        Step s = step(dir, "- {type: validate, on_invalid: skip, " + SCHEMA + "}");

        var result = apply(s, WINDOW, GOOD, BAD, "{}");

        assertThat(texts(result)).containsExactly("{\"id\":1}");
        assertThat(result.rejected()).isEqualTo(2);
    }

    @Test
    void dead_letters_are_counted_and_written_with_reason_window_step_and_time_on_commit() throws Exception {
        Step s = step(dir, "- {type: validate, name: check, on_invalid: dead_letter, dead_letter: {path: dead-letters/}, " + SCHEMA + "}");

        var result = apply(s, WINDOW, GOOD, BAD);
        assertThat(result.rejected()).isEqualTo(1);
        Path file = dir.resolve("dead-letters/check/" + WINDOW.fileName() + ".jsonl");
        assertThat(file).as("nothing is visible before the window commits").doesNotExist();
        s.commit(WINDOW);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        var letter = json(lines.getFirst());
        assertThat(letter.get("pipeline").asString()).isEqualTo("steps-test");
        assertThat(letter.get("step").asString()).isEqualTo("check");
        assertThat(letter.get("window_start").asString()).isEqualTo("2024-03-10T00:00:00Z");
        assertThat(letter.get("window_end").asString()).isEqualTo("2024-03-10T06:00:00Z");
        assertThat(letter.get("position").asLong()).isEqualTo(2);
        assertThat(letter.get("rejected_at").asString()).isEqualTo(StepFixture.NOW.toString());
        assertThat(letter.get("reasons").get(0).asString()).contains("/id", "integer");
        assertThat(letter.get("record")).isEqualTo(json(BAD));
    }

    @Test
    void a_re_run_of_a_window_replaces_its_dead_letters_rather_than_adding_to_them() throws Exception {
        Step s = step(dir, "- {type: validate, name: check, on_invalid: dead_letter, dead_letter: {path: dl}, " + SCHEMA + "}");
        Path file = dir.resolve("dl/check/" + WINDOW.fileName() + ".jsonl");
        apply(s, WINDOW, BAD, BAD);
        s.commit(WINDOW);

        apply(s, WINDOW, BAD);
        s.commit(WINDOW);

        assertThat(Files.readAllLines(file)).hasSize(1);
    }

    @Test
    void a_re_run_without_dead_letters_removes_the_earlier_file() throws Exception {
        Step s = step(dir, "- {type: validate, name: check, on_invalid: dead_letter, dead_letter: {path: dl}, " + SCHEMA + "}");
        Path file = dir.resolve("dl/check/" + WINDOW.fileName() + ".jsonl");
        apply(s, WINDOW, BAD);
        s.commit(WINDOW);

        apply(s, WINDOW, GOOD);
        s.commit(WINDOW);

        assertThat(file).doesNotExist();
    }

    @Test
    void discarding_a_window_leaves_no_file_behind() throws Exception {
        Step s = step(dir, "- {type: validate, name: check, on_invalid: dead_letter, dead_letter: {path: dl}, " + SCHEMA + "}");
        apply(s, WINDOW, BAD);
        apply(s, OTHER_WINDOW, BAD);

        s.discard(WINDOW);
        s.commit(OTHER_WINDOW);

        try (Stream<Path> files = Files.list(dir.resolve("dl/check"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(OTHER_WINDOW.fileName() + ".jsonl");
        }
    }

    @Test
    void a_window_discarded_after_its_dead_letters_were_committed_loses_them() throws Exception {
        Step s = step(dir, "- {type: validate, name: check, on_invalid: dead_letter, dead_letter: {path: dl}, " + SCHEMA + "}");
        apply(s, WINDOW, BAD);
        s.commit(WINDOW);

        s.discard(WINDOW); // the sink failed to commit after the step did

        assertThat(dir.resolve("dl/check/" + WINDOW.fileName() + ".jsonl")).doesNotExist();
    }

    @Test
    void the_schema_can_come_from_a_file_beside_the_pipeline() throws Exception {
        Files.writeString(dir.resolve("record.schema.json"), "{\"type\": \"object\", \"required\": [\"id\"]}");
        Step s = step(dir, "- {type: validate, on_invalid: skip, schema_file: record.schema.json}");

        assertThat(texts(apply(s, WINDOW, GOOD, "{}"))).containsExactly("{\"id\":1}");
    }

    @Test
    void a_schema_that_is_not_valid_is_a_load_error() {
        assertThat(loadError(dir, "- {type: validate, schema: {type: strnig}}")).contains("steps[0].schema", "not a valid JSON Schema", "/type");
        assertThat(loadError(dir, "- {type: validate, schema: {$ref: \"#/$defs/nowhere\"}}")).contains("not a valid JSON Schema");
    }

    @Test
    void dead_letter_without_a_target_or_a_target_without_dead_letter_is_a_load_error() {
        assertThat(loadError(dir, "- {type: validate, on_invalid: dead_letter, " + SCHEMA + "}")).contains("needs dead_letter:");
        assertThat(loadError(dir, "- {type: validate, dead_letter: {path: x}, " + SCHEMA + "}")).contains("only with on_invalid: dead_letter");
        assertThat(loadError(dir, "- {type: validate, on_invalid: dead_letter, dead_letter: {paht: x}, " + SCHEMA + "}"))
                .contains("missing the target");
    }

    // ------------------------------------------------------------------------------------------ purge

    private Path letters(Window window) {
        return dir.resolve("dl/check/" + window.fileName() + ".jsonl");
    }

    /** The step as cleanup finds it: bound from the pipeline file, never opened. */
    private Step bound(String steps) {
        return StepFixture.load(dir, steps).steps().getFirst().step();
    }

    /** Commits one dead letter in each window, rejected at {@code at}, by a run of its own. */
    private void commitLetters(Instant at, Window... windows) throws Exception {
        Step s = bound(TO_FILES);
        s.open(StepFixture.contextAt(at));
        for (Window w : windows) {
            apply(s, w, BAD);
            s.commit(w);
        }
        s.close();
    }

    @Test
    void purge_removes_the_dead_letter_files_whose_letters_were_all_rejected_before_the_cut() throws Exception {
        commitLetters(CUT.minus(Duration.ofDays(3)), WINDOW);
        commitLetters(CUT, OTHER_WINDOW);

        long removed = bound(TO_FILES).purge(StepFixture.CONTEXT, CUT, false);

        assertThat(removed).isEqualTo(1);
        assertThat(letters(WINDOW)).doesNotExist();
        assertThat(letters(OTHER_WINDOW)).exists();
    }

    @Test
    void purge_keeps_a_file_whose_newest_letter_is_not_before_the_cut() throws Exception {
        var clock = new TestClock(CUT.minusSeconds(60));
        Step s = bound(TO_FILES);
        s.open(StepFixture.context("steps-test", clock));
        apply(s, WINDOW, BAD);
        clock.advance(Duration.ofSeconds(60));
        apply(s, WINDOW, BAD);
        s.commit(WINDOW);

        assertThat(bound(TO_FILES).purge(StepFixture.CONTEXT, CUT, false)).isZero();
        assertThat(Files.readAllLines(letters(WINDOW))).hasSize(2);
    }

    @Test
    void a_dry_run_of_purge_counts_the_letters_and_removes_nothing() throws Exception {
        commitLetters(CUT.minusSeconds(1), WINDOW, OTHER_WINDOW);

        assertThat(bound(TO_FILES).purge(StepFixture.CONTEXT, CUT, true)).isEqualTo(2);
        assertThat(letters(WINDOW)).exists();
        assertThat(letters(OTHER_WINDOW)).exists();
    }

    @Test
    void purge_never_touches_a_window_that_is_staged_now() throws Exception {
        Step s = bound(TO_FILES);
        s.open(StepFixture.contextAt(CUT.minus(Duration.ofDays(3))));
        apply(s, WINDOW, BAD);
        s.commit(WINDOW);
        apply(s, WINDOW, BAD, BAD); // the window runs again

        assertThat(s.purge(StepFixture.CONTEXT, CUT, false)).isZero();
        s.commit(WINDOW);
        assertThat(Files.readAllLines(letters(WINDOW))).hasSize(2);
    }

    @Test
    void purge_leaves_alone_files_that_are_not_dead_letters_of_the_pipeline() throws Exception {
        commitLetters(CUT.minus(Duration.ofDays(3)), WINDOW);
        Path notes = Files.writeString(dir.resolve("dl/check/notes.jsonl"), "not a dead letter\n");

        assertThat(bound(TO_FILES).purge(StepFixture.context("another-pipeline", StepFixture.CONTEXT.clock()), CUT, false)).isZero();
        assertThat(bound(TO_FILES).purge(StepFixture.CONTEXT, CUT, false)).isEqualTo(1);
        assertThat(notes).exists();
    }

    @Test
    void purge_of_a_dead_letter_table_with_text_times_never_deletes_a_letter_early() throws Exception {
        String steps = "- {type: validate, name: check, on_invalid: dead_letter, dead_letter: {connection: db, table: letters}, " + SCHEMA + "}";
        String connections = "connections: {db: {url: \"jdbc:sqlite:" + dir.resolve("letters.db") + "\"}}\n";
        Step s = StepFixture.load(dir, connections, steps).steps().getFirst().step();
        s.open(StepFixture.contextAt(CUT.plusMillis(700)));
        apply(s, WINDOW, BAD);
        s.commit(WINDOW);
        s.close();
        Step fresh = StepFixture.load(dir, connections, steps).steps().getFirst().step();

        assertThat(fresh.purge(StepFixture.CONTEXT, CUT.plusMillis(900), false)).as("the same second: kept").isZero();
        assertThat(fresh.purge(StepFixture.CONTEXT, CUT.plusSeconds(1), true)).isEqualTo(1);
        assertThat(fresh.purge(StepFixture.CONTEXT, CUT.plusSeconds(1), false)).isEqualTo(1);
        assertThat(fresh.purge(StepFixture.CONTEXT, CUT.plusSeconds(1), false)).isZero();
    }

    @Test
    void a_step_without_dead_letters_keeps_nothing_to_purge() throws Exception {
        assertThat(bound("- {type: validate, on_invalid: skip, " + SCHEMA + "}").purge(StepFixture.CONTEXT, CUT, false)).isZero();
    }
}
