package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.WINDOW;
import static dev.sluice.connectors.steps.StepFixture.apply;
import static dev.sluice.connectors.steps.StepFixture.failure;
import static dev.sluice.connectors.steps.StepFixture.loadError;
import static dev.sluice.connectors.steps.StepFixture.run;
import static dev.sluice.connectors.steps.StepFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** flatten, explode and defaults: steps that change the shape of records. */
class ShapeStepsTest {
    @TempDir
    Path dir;

    @Test
    void flatten_lifts_nested_fields_with_the_separator() throws Exception {
        Step s = step(dir, "- {type: flatten}");

        assertThat(run(s, "{\"id\": 1, \"a\": {\"b\": {\"c\": 2}, \"d\": [1]}, \"e\": {}}"))
                .containsExactly("{\"id\":1,\"a_b_c\":2,\"a_d\":[1],\"e\":{}}");
    }

    @Test
    void flatten_stops_at_the_depth_and_can_use_a_dot() throws Exception {
        Step s = step(dir, "- {type: flatten, separator: \".\", depth: 1}");

        assertThat(run(s, "{\"a\": {\"b\": {\"c\": 2}}}")).containsExactly("{\"a.b\":{\"c\":2}}");
    }

    @Test
    void flatten_can_be_limited_to_some_fields() throws Exception {
        Step s = step(dir, "- {type: flatten, fields: [meta]}");

        assertThat(run(s, "{\"meta\": {\"x\": 1}, \"raw\": {\"y\": 2}}")).containsExactly("{\"meta_x\":1,\"raw\":{\"y\":2}}");
    }

    @Test
    void flatten_fails_the_window_rather_than_lose_a_field_to_a_name_clash() throws Exception {
        Step s = step(dir, "- {type: flatten}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"a_b\": 1, \"a\": {\"b\": 2}}"));

        assertThat(e.getMessage()).contains("gives the field 'a_b' twice");
    }

    @Test
    void explode_makes_one_record_per_element_merged_into_the_parent_fields() throws Exception {
        Step s = step(dir, "- {type: explode, field: items}");

        assertThat(run(s, "{\"lot\": \"A\", \"items\": [{\"sku\": 1}, {\"sku\": 2, \"lot\": \"B\"}]}"))
                .containsExactly("{\"lot\":\"A\",\"sku\":1}", "{\"lot\":\"B\",\"sku\":2}");
    }

    @Test
    void explode_can_put_each_element_under_a_name() throws Exception {
        Step s = step(dir, "- {type: explode, field: data.values, as: value}");

        assertThat(run(s, "{\"id\": 7, \"data\": {\"values\": [1, 2]}}"))
                .containsExactly("{\"id\":7,\"data\":{},\"value\":1}", "{\"id\":7,\"data\":{},\"value\":2}");
    }

    @Test
    void explode_drops_a_record_with_an_empty_or_missing_array_and_counts_it() throws Exception {
        Step s = step(dir, "- {type: explode, field: items}");

        var result = apply(s, WINDOW, "{\"id\": 1, \"items\": []}", "{\"id\": 2}", "{\"id\": 3, \"items\": null}");

        assertThat(result.records()).isEmpty();
        assertThat(result.rejected()).isEqualTo(3);
    }

    @Test
    void explode_can_keep_a_record_with_an_empty_array_with_null_in_its_place() throws Exception {
        Step s = step(dir, "- {type: explode, field: items, as: item, on_empty: keep}");

        assertThat(run(s, "{\"id\": 1, \"items\": []}")).containsExactly("{\"id\":1,\"item\":null}");
    }

    @Test
    void explode_fails_the_window_when_the_field_is_not_an_array() throws Exception {
        Step s = step(dir, "- {type: explode, field: items}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"items\": \"x\"}"));

        assertThat(e.getMessage()).contains("field 'items' is a string, not an array");
    }

    @Test
    void explode_without_as_refuses_elements_that_are_not_objects() throws Exception {
        Step s = step(dir, "- {type: explode, field: items}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"items\": [1]}"));

        assertThat(e.getMessage()).contains("name a field for it with as: item");
    }

    @Test
    void defaults_fill_missing_and_null_fields_deeply_and_keep_the_record_values() throws Exception {
        Step s = step(dir, """
                - type: defaults
                  template:
                    source_name: elasticsearch
                    target_name: snowflake
                    meta: {env: prod, region: eu}
                    tags: [a]
                """);

        assertThat(run(s, "{\"target_name\": \"s3\", \"source_name\": null, \"meta\": {\"region\": \"us\"}, \"tags\": []}"))
                .containsExactly("{\"target_name\":\"s3\",\"source_name\":\"elasticsearch\",\"meta\":{\"region\":\"us\",\"env\":\"prod\"},\"tags\":[]}");
    }

    @Test
    void defaults_can_keep_nulls() throws Exception {
        Step s = step(dir, "- {type: defaults, nulls: keep, template: {a: 1, b: 2}}");

        assertThat(run(s, "{\"a\": null}")).containsExactly("{\"a\":null,\"b\":2}");
    }

    @Test
    void defaults_read_the_template_from_a_file_beside_the_pipeline() throws Exception {
        Files.writeString(dir.resolve("default_record.yaml"), "source_name: elasticsearch\nbatch: 100\n");
        Step s = step(dir, "- {type: defaults, template_file: default_record.yaml}");

        assertThat(run(s, "{}")).containsExactly("{\"source_name\":\"elasticsearch\",\"batch\":100}");
    }

    @Test
    void defaults_need_exactly_one_template() {
        assertThat(loadError(dir, "- {type: defaults}")).contains("missing the template");
        assertThat(loadError(dir, "- {type: defaults, template: {a: 1}, template_file: x.yaml}")).contains("keep one");
        assertThat(loadError(dir, "- {type: defaults, template_file: nowhere.yaml}")).contains("cannot read", "nowhere.yaml");
    }
}
