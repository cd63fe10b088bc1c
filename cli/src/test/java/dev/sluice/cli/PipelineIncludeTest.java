package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Connectors;
import dev.sluice.core.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code include:}: top-level keys shared by several pipelines, kept in one file. */
class PipelineIncludeTest {
    private static final String SHARED = """
            parallelism: 3
            steps:
              - {type: filter, where: "value > 10"}
              - {type: select, fields: [id, value]}
            sink: {type: jsonl, path: shared-out}
            """;

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(name -> Optional.empty(), Connectors.discover());

    private PipelineConfig load(String yaml) {
        return loader.load(dir.resolve("p.yaml"), yaml);
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void the_keys_of_an_included_file_are_part_of_the_pipeline() throws IOException {
        write("_shared.yaml", SHARED);

        PipelineConfig c = load("""
                include: _shared.yaml
                windows: {start: 2025-01-01, size: 1h}
                source: {type: generate}
                """);

        assertThat(c.parallelism()).isEqualTo(3);
        assertThat(c.steps()).extracting(PipelineConfig.PipelineStep::type).containsExactly("filter", "select");
        assertThat(c.sink().target()).contains("shared-out");
    }

    @Test
    void a_key_the_pipeline_sets_itself_wins_over_the_included_one_as_a_whole() throws IOException {
        write("_shared.yaml", SHARED);

        PipelineConfig c = load("""
                include: [_shared.yaml]
                windows: {start: 2025-01-01, size: 1h}
                source: {type: generate}
                steps: [{type: drop, fields: [name]}]
                """);

        assertThat(c.steps()).extracting(PipelineConfig.PipelineStep::type).containsExactly("drop");
        assertThat(c.parallelism()).isEqualTo(3);
    }

    @Test
    void a_problem_in_an_included_file_names_that_file_and_its_line() throws IOException {
        write("_shared.yaml", SHARED.replace("value > 10", "value >"));

        assertThatThrownBy(() -> load("""
                include: _shared.yaml
                windows: {start: 2025-01-01, size: 1h}
                source: {type: generate}
                """))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("_shared.yaml line 3:")
                .hasMessageContaining("steps[0].where");
    }

    @Test
    void a_missing_included_file_is_reported_with_the_line_of_the_include() {
        assertThatThrownBy(() -> load("""
                windows: {start: 2025-01-01, size: 1h}
                include: [_nowhere.yaml]
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("p.yaml line 2:")
                .hasMessageContaining("_nowhere.yaml does not exist");
    }

    @Test
    void an_included_file_cannot_include_another() throws IOException {
        write("_shared.yaml", "include: _more.yaml\n" + SHARED);
        write("_more.yaml", "parallelism: 2\n");

        assertThatThrownBy(() -> load("""
                include: _shared.yaml
                windows: {start: 2025-01-01, size: 1h}
                source: {type: generate}
                """))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("_shared.yaml line 1:1: include: an included file cannot include others");
    }
}
