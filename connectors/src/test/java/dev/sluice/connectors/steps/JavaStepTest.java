package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.WINDOW;
import static dev.sluice.connectors.steps.StepFixture.failure;
import static dev.sluice.connectors.steps.StepFixture.loadError;
import static dev.sluice.connectors.steps.StepFixture.run;
import static dev.sluice.connectors.steps.StepFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.window.Window;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** java: a Step class named in the pipeline file, from the class path or a jar. */
class JavaStepTest {
    @TempDir
    Path dir;

    /** Upper-cases one field, named by its config. */
    public static final class UpperStep implements Step {
        private final String field;

        public UpperStep(JsonNode config) {
            this.field = config.path("field").asString("name");
        }

        @Override
        public void open(StepContext context) {
        }

        @Override
        public StepResult apply(Window window, List<DataRecord> records) {
            return StepResult.of(records.stream().map(r -> {
                ObjectNode copy = r.data().deepCopy();
                copy.put(field, copy.path(field).asString().toUpperCase(java.util.Locale.ROOT));
                return new DataRecord(copy);
            }).toList());
        }

        @Override
        public void close() {
        }
    }

    /** Passes records unchanged; needs no configuration. */
    public static final class PlainStep implements Step {
        @Override public void open(StepContext context) { }
        @Override public StepResult apply(Window window, List<DataRecord> records) { return StepResult.of(records); }
        @Override public void close() { }
    }

    /** Fails every page. */
    public static final class BrokenStep implements Step {
        @Override public void open(StepContext context) { }
        @Override public StepResult apply(Window window, List<DataRecord> records) { throw new IllegalStateException("boom"); }
        @Override public void close() { }
    }

    /** Keeps three items older than any cut, and says so when asked to purge them. */
    public static final class KeepingStep implements Step {
        @Override public void open(StepContext context) { }
        @Override public StepResult apply(Window window, List<DataRecord> records) { return StepResult.of(records); }
        @Override public long purge(StepContext context, Instant before, boolean dryRun) { return 3; }
        @Override public void close() { }
    }

    /** Not a step at all. */
    public static final class NotAStep {
    }

    /** A step whose only constructor takes something Sluice cannot give. */
    public static final class OddStep implements Step {
        public OddStep(String s) { }
        @Override public void open(StepContext context) { }
        @Override public StepResult apply(Window window, List<DataRecord> records) { return StepResult.of(records); }
        @Override public void close() { }
    }

    @Test
    void a_step_class_on_the_class_path_gets_its_config() throws Exception {
        Step s = step(dir, "- {type: java, class: " + UpperStep.class.getName() + ", config: {field: lot}}");

        assertThat(run(s, "{\"lot\": \"a-17\"}")).containsExactly("{\"lot\":\"A-17\"}");
    }

    @Test
    void a_step_class_without_config_uses_its_no_argument_constructor() throws Exception {
        Step s = step(dir, "- {type: java, class: " + PlainStep.class.getName() + "}");

        assertThat(run(s, "{\"a\": 1}")).containsExactly("{\"a\":1}");
    }

    @Test
    void a_step_class_is_loaded_from_a_jar_beside_the_pipeline() throws Exception {
        jar(dir.resolve("steps/my-steps.jar"), "com.example.Tagger", """
                package com.example;
                import dev.sluice.core.spi.*;
                import dev.sluice.core.window.Window;
                import java.util.List;
                public class Tagger implements Step {
                    public void open(StepContext context) { }
                    public StepResult apply(Window window, List<DataRecord> records) {
                        return StepResult.of(records.stream().map(r -> new DataRecord(r.data().deepCopy().put("tagged", true))).toList());
                    }
                    public void close() { }
                }
                """);
        Step s = step(dir, "- {type: java, class: com.example.Tagger, jar: steps/my-steps.jar}");

        assertThat(run(s, "{\"a\": 1}")).containsExactly("{\"a\":1,\"tagged\":true}");
        s.close();
    }

    @Test
    void an_exception_of_the_class_fails_the_window_naming_the_step_and_class() throws Exception {
        Step s = step(dir, "- {type: java, name: mine, class: " + BrokenStep.class.getName() + "}");

        var e = failure(ErrorCode.STEP_FAILED, () -> run(s, "{}"));

        assertThat(e.getMessage()).contains("step 'mine'", BrokenStep.class.getName(), WINDOW.toString(), "boom");
    }

    @Test
    void purge_is_passed_to_the_class() throws Exception {
        Step s = StepFixture.load(dir, "- {type: java, class: " + KeepingStep.class.getName() + "}").steps().getFirst().step();

        assertThat(s.purge(StepFixture.CONTEXT, StepFixture.NOW, false)).isEqualTo(3);
    }

    @Test
    void an_unknown_class_is_a_load_error_that_says_what_to_do() {
        assertThat(loadError(dir, "- {type: java, class: com.example.Nope}")).contains("steps[0].class", "no class com.example.Nope on the class path", "jar:");
    }

    @Test
    void a_class_that_is_not_a_step_is_a_load_error() {
        assertThat(loadError(dir, "- {type: java, class: " + NotAStep.class.getName() + "}")).contains("does not implement dev.sluice.core.spi.Step");
    }

    @Test
    void a_class_without_a_usable_constructor_is_a_load_error() {
        assertThat(loadError(dir, "- {type: java, class: " + OddStep.class.getName() + "}")).contains("no public constructor", "JsonNode");
        assertThat(loadError(dir, "- {type: java, class: " + PlainStep.class.getName() + ", config: {a: 1}}"))
                .contains("steps[0].config", "cannot be given config:");
    }

    @Test
    void a_missing_jar_is_a_load_error() {
        assertThat(loadError(dir, "- {type: java, class: com.example.Tagger, jar: nowhere.jar}")).contains("steps[0].jar", "is not a file");
    }

    /** Compiles one class against the test class path and puts it in a jar. */
    private static void jar(Path jar, String className, String source) throws Exception {
        Path src = Files.createTempDirectory("src");
        Path file = src.resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Path classes = Files.createTempDirectory("classes");
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), file.toString());
        assertThat(rc).as("compiling the test step").isZero();
        Files.createDirectories(jar.getParent());
        String entry = className.replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); var j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry(entry));
            j.write(Files.readAllBytes(classes.resolve(entry)));
            j.closeEntry();
        }
    }
}
