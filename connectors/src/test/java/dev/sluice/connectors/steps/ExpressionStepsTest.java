package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.WINDOW;
import static dev.sluice.connectors.steps.StepFixture.apply;
import static dev.sluice.connectors.steps.StepFixture.failure;
import static dev.sluice.connectors.steps.StepFixture.json;
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

/** compute and filter: CEL expressions over the fields of each record. */
class ExpressionStepsTest {
    @TempDir
    Path dir;

    @Test
    void compute_sets_fields_from_expressions_over_the_record() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {total: \"amount * 1.2\", name: \"first + ' ' + last\"}}");

        assertThat(run(s, "{\"amount\": 10, \"first\": \"Ada\", \"last\": \"Lovelace\"}"))
                .containsExactly("{\"amount\":10,\"first\":\"Ada\",\"last\":\"Lovelace\",\"total\":12.0,\"name\":\"Ada Lovelace\"}");
    }

    @Test
    void compute_sees_the_fields_computed_before_it_in_the_same_step() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {net: \"gross - 5\", half: \"net / 2\"}}");

        assertThat(run(s, "{\"gross\": 25}")).containsExactly("{\"gross\":25,\"net\":20,\"half\":10}");
    }

    @Test
    void compute_sets_a_nested_field_and_creates_its_parents() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {meta.label: \"orderLabel + ' - ' + string(iteration)\"}}");

        assertThat(run(s, "{\"orderLabel\": \"Add Material A\", \"iteration\": 2}"))
                .containsExactly("{\"orderLabel\":\"Add Material A\",\"iteration\":2,\"meta\":{\"label\":\"Add Material A - 2\"}}");
    }

    @Test
    void compute_never_changes_the_input_record() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {x: \"1\"}}");
        var in = records("{\"a\": {\"b\": 1}}");

        s.apply(WINDOW, in);

        assertThat(in.getFirst().data().toString()).isEqualTo("{\"a\":{\"b\":1}}");
    }

    @Test
    void a_decimal_passed_through_unchanged_keeps_every_digit() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {copy: \"price\", items2: \"items\", big: \"n\"}}");
        var in = new dev.sluice.core.spi.DataRecord(json("{}").put("price", new java.math.BigDecimal("0.1000000000000000055511151231257827"))
                .put("n", new java.math.BigInteger("123456789012345678901234567890")));
        in.data().putArray("items").add(new java.math.BigDecimal("1.10"));

        var out = s.apply(WINDOW, java.util.List.of(in)).records().getFirst().data();

        assertThat(out.get("copy").decimalValue()).isEqualByComparingTo("0.1000000000000000055511151231257827");
        assertThat(out.get("items2").get(0).decimalValue()).isEqualTo(new java.math.BigDecimal("1.10"));
        assertThat(out.get("big").bigIntegerValue()).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
    }

    @Test
    void values_convert_to_cel_types_and_back() throws Exception {
        Step s = step(dir, """
                - type: compute
                  fields:
                    n: "i + 1"
                    d: "f * 2.0"
                    b: "!flag"
                    z: "nothing == null"
                    l: "list.map(x, x * 2)"
                    m: "{'k': obj.k + 1}"
                    t: "timestamp(at) + duration('1h')"
                    w: "window.end - window.start"
                """);

        assertThat(run(s, "{\"i\": 1, \"f\": 1.5, \"flag\": true, \"nothing\": null, \"list\": [1, 2], \"obj\": {\"k\": 1}, \"at\": \"2024-03-10T07:30:00Z\"}"))
                .singleElement().satisfies(r -> assertThat(json(r))
                        .isEqualTo(json("{\"i\": 1, \"f\": 1.5, \"flag\": true, \"nothing\": null, \"list\": [1, 2], \"obj\": {\"k\": 1}, "
                                + "\"at\": \"2024-03-10T07:30:00Z\", \"n\": 2, \"d\": 3.0, \"b\": false, \"z\": true, \"l\": [2, 4], "
                                + "\"m\": {\"k\": 2}, \"t\": \"2024-03-10T08:30:00Z\", \"w\": \"PT6H\"}")));
    }

    @Test
    void filter_keeps_records_where_the_condition_holds_and_counts_the_others_as_rejected() throws Exception {
        Step s = step(dir, "- {type: filter, where: \"!performed_by.startsWith('VOD_')\"}");

        var result = apply(s, WINDOW, "{\"performed_by\": \"alice\"}", "{\"performed_by\": \"VOD_system\"}", "{\"performed_by\": \"bob\"}");

        assertThat(StepFixture.texts(result)).containsExactly("{\"performed_by\":\"alice\"}", "{\"performed_by\":\"bob\"}");
        assertThat(result.rejected()).isEqualTo(1);
    }

    @Test
    void filter_can_use_the_window_bounds() throws Exception {
        Step s = step(dir, "- {type: filter, where: \"timestamp(at) >= window.start && timestamp(at) < window.end\"}");

        assertThat(run(s, "{\"at\": \"2024-03-10T05:59:59Z\"}", "{\"at\": \"2024-03-10T06:00:00Z\"}"))
                .containsExactly("{\"at\":\"2024-03-10T05:59:59Z\"}");
    }

    @Test
    void a_field_whose_name_is_not_an_identifier_is_read_through_record() throws Exception {
        Step s = step(dir, "- {type: filter, where: \"record['Lot Number'] == 'A-17'\"}");

        assertThat(run(s, "{\"Lot Number\": \"A-17\"}", "{\"Lot Number\": \"B\"}")).containsExactly("{\"Lot Number\":\"A-17\"}");
    }

    @Test
    void a_missing_field_fails_the_window_naming_the_field_the_step_and_the_window() throws Exception {
        Step s = step(dir, "- {type: filter, name: no-robots, where: \"!performed_by.startsWith('VOD_')\"}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"user\": \"alice\"}"));

        assertThat(e.getMessage()).contains("step 'no-robots'", WINDOW.toString(), "no field 'performed_by'", "has(record.performed_by)");
    }

    @Test
    void an_optional_field_is_tested_with_has() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {label: \"has(record.iteration) ? label + ' - ' + string(iteration) : label\"}}");

        assertThat(run(s, "{\"label\": \"Mix\"}", "{\"label\": \"Mix\", \"iteration\": 3}"))
                .containsExactly("{\"label\":\"Mix\"}",
                        "{\"label\":\"Mix - 3\",\"iteration\":3}");
    }

    @Test
    void a_field_of_the_wrong_type_fails_the_window_with_a_hint() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {total: \"amount * 2\"}}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"amount\": \"ten\"}"));

        assertThat(e.getMessage()).contains("field 'total'", "No matching overload", "int(), double() or string()");
    }

    @Test
    void an_expression_that_does_not_parse_is_a_load_error_with_line_and_column() {
        String message = loadError(dir, "- {type: compute, fields: {total: \"amount *\"}}");

        assertThat(message).contains("pipeline.yaml line 4:", "steps[0].fields.total", "does not parse");
    }

    @Test
    void a_type_error_is_a_load_error() {
        String message = loadError(dir, "- {type: compute, fields: {x: \"'a' - 1\"}}");

        assertThat(message).contains("steps[0].fields.x", "not valid", "'_-_'");
    }

    @Test
    void a_filter_that_does_not_give_true_or_false_is_a_load_error() {
        String message = loadError(dir, "- {type: filter, where: \"'yes'\"}");

        assertThat(message).contains("steps[0].where", "gives a string", "true or false");
    }

    @Test
    void a_filter_whose_value_is_not_a_bool_at_run_time_fails_the_window() throws Exception {
        Step s = step(dir, "- {type: filter, where: \"flag\"}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"flag\": \"yes\"}"));

        assertThat(e.getMessage()).contains("instead of true or false");
    }

    @Test
    void an_unknown_key_of_a_step_is_a_load_error_naming_the_valid_keys() {
        String message = loadError(dir, "- {type: filter, wher: \"true\"}");

        assertThat(message).contains("steps[0].wher: unknown key (did you mean 'where'?)");
    }
}
