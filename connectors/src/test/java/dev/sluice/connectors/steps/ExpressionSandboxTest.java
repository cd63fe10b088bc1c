package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.failure;
import static dev.sluice.connectors.steps.StepFixture.loadError;
import static dev.sluice.connectors.steps.StepFixture.run;
import static dev.sluice.connectors.steps.StepFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.Step;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an expression in a pipeline file cannot do: reach Java, files or the network, or run for long. */
class ExpressionSandboxTest {
    @TempDir
    Path dir;

    private String refused(String expression) {
        return loadError(dir, "- {type: compute, fields: {x: \"" + expression + "\"}}");
    }

    @Test
    void a_java_method_call_is_refused_at_load() {
        assertThat(refused("''.getClass()")).contains("undeclared reference to 'getClass'");
    }

    @Test
    void reflection_through_a_field_is_refused_at_load() {
        assertThat(refused("name.getClass().forName('java.lang.Runtime')")).contains("undeclared reference to 'getClass'");
    }

    @Test
    void a_java_class_by_name_is_no_more_than_a_missing_field() throws Exception {
        assertThat(refused("java.lang.Runtime.getRuntime().exec('id')")).contains("undeclared reference to 'getRuntime'");
        Step s = step(dir, "- {type: compute, fields: {x: \"java.lang.Runtime\"}}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{}"));

        assertThat(e.getMessage()).contains("no field 'java'");
    }

    @Test
    void file_access_is_refused_at_load() {
        assertThat(refused("readFile('/etc/passwd')")).contains("undeclared reference to 'readFile'");
        assertThat(refused("file('/etc/passwd').read()")).contains("undeclared reference to 'file'");
    }

    @Test
    void an_unknown_function_is_refused_at_load() {
        assertThat(refused("exec('rm -rf /')")).contains("undeclared reference to 'exec'");
    }

    @Test
    void functions_that_multiply_text_are_not_there() {
        assertThat(refused("['a', 'b'].join(sep)")).contains("undeclared reference to 'join'");
        assertThat(refused("'%s'.format([s])")).contains("undeclared reference to 'format'");
    }

    @Test
    void an_expression_longer_than_the_limit_is_refused_at_load() {
        assertThat(refused("1" + " + 1".repeat(Expression.MAX_LENGTH / 4))).contains("longer than " + Expression.MAX_LENGTH);
    }

    @Test
    void nested_macros_stop_at_the_iteration_budget() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {x: \"items.map(a, items.map(b, items.map(c, a + b + c)))\"}}");
        String items = "[" + "1,".repeat(99) + "1]";

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"items\": " + items + "}"));

        assertThat(e.getMessage()).contains("more than " + Expression.MAX_ITERATIONS + " iterations");
    }

    @Test
    void a_macro_over_a_huge_list_stops_at_the_iteration_budget() throws Exception {
        Step s = step(dir, "- {type: filter, where: \"items.exists(i, i == -1)\"}");
        String items = "[" + "1,".repeat(Expression.MAX_ITERATIONS + 10) + "1]";

        failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"items\": " + items + "}"));
    }

    @Test
    void replace_cannot_build_a_huge_text() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {x: \"s.replace('a', s).replace('a', s)\"}}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"s\": \"" + "a".repeat(2000) + "\"}"));

        assertThat(e.getMessage()).contains("replace() would make a text of");
    }

    @Test
    void replace_within_the_limit_works() throws Exception {
        Step s = step(dir, "- {type: compute, fields: {x: \"s.replace('-', '/')\"}}");

        assertThat(run(s, "{\"s\": \"a-b-c\"}")).containsExactly("{\"s\":\"a-b-c\",\"x\":\"a/b/c\"}");
    }

    @Test
    void regular_expressions_are_re2_and_cannot_backtrack_forever() throws Exception {
        Step s = step(dir, "- {type: filter, where: \"s.matches('(a+)+$')\"}");

        assertThat(run(s, "{\"s\": \"" + "a".repeat(5000) + "b\"}")).isEmpty();
    }
}
