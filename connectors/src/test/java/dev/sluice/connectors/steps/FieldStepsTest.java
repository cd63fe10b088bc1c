package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.WINDOW;
import static dev.sluice.connectors.steps.StepFixture.failure;
import static dev.sluice.connectors.steps.StepFixture.loadError;
import static dev.sluice.connectors.steps.StepFixture.records;
import static dev.sluice.connectors.steps.StepFixture.run;
import static dev.sluice.connectors.steps.StepFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.Step;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** select, rename and drop: fields named by dotted paths. */
class FieldStepsTest {
    @TempDir
    Path dir;

    @Test
    void select_keeps_the_listed_fields_in_the_order_listed_with_their_parents() throws Exception {
        Step s = step(dir, "- {type: select, fields: [name, meta.lot, missing]}");

        assertThat(run(s, "{\"id\": 1, \"meta\": {\"lot\": \"A\", \"raw\": 2}, \"name\": \"x\"}"))
                .containsExactly("{\"name\":\"x\",\"meta\":{\"lot\":\"A\"}}");
    }

    @Test
    void rename_moves_a_field_and_keeps_its_place() throws Exception {
        Step s = step(dir, "- {type: rename, fields: {userName: performed_by}}");

        assertThat(run(s, "{\"id\": 1, \"userName\": \"alice\", \"z\": 0}")).containsExactly("{\"id\":1,\"performed_by\":\"alice\",\"z\":0}");
    }

    @Test
    void rename_moves_a_nested_field_to_the_top_and_ignores_a_missing_one() throws Exception {
        Step s = step(dir, "- {type: rename, fields: {meta.lot: lot, nope: other}}");

        assertThat(run(s, "{\"meta\": {\"lot\": \"A\"}}")).containsExactly("{\"meta\":{},\"lot\":\"A\"}");
    }

    @Test
    void rename_into_a_field_that_is_not_an_object_fails_the_window() throws Exception {
        Step s = step(dir, "- {type: rename, fields: {a: b.c}}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"a\": 1, \"b\": 2}"));

        assertThat(e.getMessage()).contains("step 'rename-1'", "cannot rename 'a' to 'b.c'");
    }

    @Test
    void drop_removes_the_listed_fields() throws Exception {
        Step s = step(dir, "- {type: drop, fields: [password, meta.raw, missing]}");

        assertThat(run(s, "{\"id\": 1, \"password\": \"x\", \"meta\": {\"raw\": 1, \"lot\": \"A\"}}"))
                .containsExactly("{\"id\":1,\"meta\":{\"lot\":\"A\"}}");
    }

    @Test
    void field_steps_never_change_the_input_record() throws Exception {
        var in = records("{\"a\": 1, \"b\": {\"c\": 2}}");
        for (String yaml : new String[] {"- {type: drop, fields: [b.c]}", "- {type: rename, fields: {a: z}}", "- {type: select, fields: [b]}"}) {
            step(dir, yaml).apply(WINDOW, in);
        }

        assertThat(in.getFirst().data().toString()).isEqualTo("{\"a\":1,\"b\":{\"c\":2}}");
    }

    @Test
    void an_empty_part_in_a_path_is_a_load_error() {
        assertThat(loadError(dir, "- {type: select, fields: [a..b]}")).contains("steps[0].fields", "'a..b' is not a field path");
    }

    @Test
    void a_missing_fields_key_is_a_load_error_with_an_example() {
        assertThat(loadError(dir, "- {type: drop}")).contains("missing required key 'fields', e.g. fields: [password, meta.raw]");
    }
}
