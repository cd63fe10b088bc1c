package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Connectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.JsonNode;

/** The published JSON Schema, the reference page and the loader say the same thing about pipeline files. */
class PipelineSchemaTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(read(ROOT.resolve("docs/pipeline.schema.json")));

    @Test
    void every_example_pipeline_is_valid_against_the_schema_and_loads() throws IOException {
        List<Path> examples = examplePipelines();

        assertThat(examples).isNotEmpty();
        // Secrets that examples take from the environment without a default.
        Map<String, String> secrets = Map.of("MC_API_TOKEN", "example-token");
        var loader = new ConfigLoader(name -> Optional.ofNullable(System.getenv(name)).or(() -> Optional.ofNullable(secrets.get(name))),
                Connectors.discover());
        for (Path example : examples) {
            assertThat(SCHEMA.validate(withIncludes(example))).as("schema errors in %s", example).isEmpty();
            assertThat(loader.load(example).id().value()).isNotEmpty();
        }
    }

    @Test
    void the_schema_refuses_an_unknown_key_as_the_loader_does() {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z, sise: 1h}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """;

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isNotEmpty();
    }

    @Test
    void the_schema_refuses_a_key_of_another_connector_type() {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: out, columns: [a]}
                """;

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isNotEmpty();
    }

    @Test
    void an_http_sink_is_valid_against_the_schema_and_loads(@TempDir Path dir) {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z, size: 1h}
                connections:
                  incidents: {base_url: "https://incidents.example.com", rate_limit: 10/s}
                source: {type: generate}
                sink:
                  type: http
                  connection: incidents
                  request: {method: POST, path: /api/incidents, headers: {X-Source: sluice}}
                  mode: window
                  on_empty: send
                  idempotency_header: Idempotency-Key
                  body: {window_start: "{{ window.start | iso }}", count: "{{ batch.count }}", records: "{{ records }}"}
                """;

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isEmpty();
        assertThat(ConfigLoader.standard().load(dir.resolve("incidents.yaml"), yaml).sinkType()).isEqualTo("http");
    }

    @Test
    void paginated_dependent_requests_with_an_empty_reason_are_valid_against_the_schema_and_load(@TempDir Path dir) {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z, size: 6h}
                connections:
                  mastercontrol: {base_url: "https://mastercontrol.example.com/api"}
                source: {type: generate}
                steps:
                  - name: metadata
                    type: http
                    connection: mastercontrol
                    key: "{{ record.id }}"
                    request: {path: /batch-records/production-records-list, query: {lotNumber: "{{ record.name }}"}}
                    records: $.data[*]
                    pagination: {type: page_number, param: pageNumber, size_param: pageSize, size: 100, total: $.totalCount, stop: [total]}
                    fallbacks:
                      - name: data-captures
                        request: {path: /data-captures, query: {lotNumber: "{{ record.name }}"}}
                        records: $.data[*]
                        pagination: {type: cursor, from: $.next, max_pages: 50}
                    on_failure: record_key
                    empty_reason: "Both API calls returned empty"
                sink: {type: jsonl, path: out}
                """;

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isEmpty();
        assertThat(ConfigLoader.standard().load(dir.resolve("captures.yaml"), yaml).steps()).hasSize(1);
    }

    @Test
    void the_schema_refuses_an_unknown_pagination_key_in_a_fallback_as_the_loader_does(@TempDir Path dir) {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z}
                connections:
                  api: {base_url: "https://api.example.com"}
                source: {type: generate}
                steps:
                  - type: http
                    connection: api
                    request: {path: "/a/{{ record.id }}"}
                    fallbacks:
                      - request: {path: "/b/{{ record.id }}"}
                        pagination: {type: page_number, sise: 10}
                sink: {type: jsonl, path: out}
                """;

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isNotEmpty();
        assertThatThrownBy(() -> ConfigLoader.standard().load(dir.resolve("p.yaml"), yaml)).isInstanceOf(SluiceException.class);
    }

    @Test
    void the_schema_still_requires_the_folder_of_a_file_sink() {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl}
                """;

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isNotEmpty();
    }

    @Test
    void a_csv_sink_with_one_file_per_partition_is_valid_against_the_schema_and_loads(@TempDir Path dir) {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z, size: 1h}
                source: {type: generate}
                sink:
                  type: csv
                  path: out/lots
                  partition_by: "Lot Number"
                  file_per: partition
                  replace_by: productionRecordId
                  columns: ["Lot Number", step]
                """;

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isEmpty();
        assertThat(ConfigLoader.standard().load(dir.resolve("lots.yaml"), yaml).sinkType()).isEqualTo("csv");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{type: csv, path: out, partition_by: lot, file_per: partition}",
            "{type: jsonl, path: out, file_per: partition}", "{type: jsonl, path: out, partition_by: lot, replace_by: id}",
            "{type: jsonl, path: out, partition_by: lot, file_per: value}"})
    void the_schema_refuses_a_file_per_the_loader_refuses(String sink, @TempDir Path dir) {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                """ + "sink: " + sink + "\n";

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isNotEmpty();
        assertThatThrownBy(() -> ConfigLoader.standard().load(dir.resolve("p.yaml"), yaml)).isInstanceOf(SluiceException.class);
    }

    @Test
    void the_schema_accepts_a_jdbc_connection_and_source_as_the_loader_does() {
        String yaml = """
                connections:
                  db: {url: "jdbc:sqlite:app.db", pool_size: 2, connect_timeout: 5s, properties: {busy_timeout: 1000}}
                windows: {cursor: id, start: 1, end: 101, size: 10}
                source:
                  type: jdbc
                  connection: db
                  name: items
                  query: SELECT id FROM items WHERE id >= :id_start AND id < :id_end ORDER BY id
                  fetch_size: 100
                  page_size: 50
                  timezone: Europe/Berlin
                  json_columns: [doc]
                  query_timeout: 5m
                sink: {type: jsonl, path: out}
                """;

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isEmpty();
        assertThat(ConfigLoader.standard().load(ROOT.resolve("examples/jdbc-schema-check.yaml"), yaml).source()).isNotNull();
    }

    @Test
    void the_service_keys_are_valid_against_the_schema_and_load(@TempDir Path dir) {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                schedule: {cron: "*/15 * * * *", timezone: Europe/Paris, jitter: 30s}
                enabled: "${env:ENABLE_SCHEMA_CHECK:-true}"
                alerts: {lag: {warning: 2h, critical: 6h}, mute: false}
                """;

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isEmpty();
        assertThat(ConfigLoader.standard().load(dir.resolve("scheduled.yaml"), yaml).service().schedule()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{cron: \"@daily\", every: 1d}", "{every: 5m, timezone: Europe/Paris}", "{jitter: 10s}", "{every: 5m, jiter: 1s}"})
    void the_schema_refuses_a_schedule_the_loader_refuses(String schedule, @TempDir Path dir) {
        String yaml = """
                windows: {start: 2025-01-01T00:00:00Z}
                source: {type: generate}
                sink: {type: jsonl, path: out}
                """ + "schedule: " + schedule + "\n";

        assertThat(SCHEMA.validate(yamlAsJson(yaml))).isNotEmpty();
        assertThatThrownBy(() -> ConfigLoader.standard().load(dir.resolve("p.yaml"), yaml)).isInstanceOf(SluiceException.class);
    }

    @Test
    void every_key_of_the_schema_has_a_row_in_the_reference_page() throws IOException {
        String reference = Files.readString(ROOT.resolve("docs/PIPELINE.md"));
        var missing = new ArrayList<String>();
        collectKeys(Reports.JSON.readTree(read(ROOT.resolve("docs/pipeline.schema.json"))), missing, reference);

        assertThat(missing).as("keys of the schema missing from docs/PIPELINE.md").isEmpty();
    }

    private static void collectKeys(JsonNode node, List<String> missing, String reference) {
        if (node.isObject()) {
            JsonNode properties = node.get("properties");
            if (properties != null && properties.isObject()) {
                for (String key : properties.propertyNames())
                    if (!key.equals("type") && !reference.contains("`" + key) && !reference.contains("." + key + "`"))
                        missing.add(key);
                // Each key's own schema; not the map itself, which would read a key named "properties" as a schema keyword.
                properties.forEach(child -> collectKeys(child, missing, reference));
            }
            for (var e : node.properties())
                if (!e.getKey().equals("properties"))
                    collectKeys(e.getValue(), missing, reference);
        } else if (node.isArray())
            node.forEach(child -> collectKeys(child, missing, reference));
    }

    private static List<Path> examplePipelines() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve("examples"))) {
            // serve.yaml holds a service's settings, not a pipeline: ServeSettingsTest checks it; files named _*.yaml
            // are included by pipelines, and are checked as part of them
            return files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().contains("/out/") && !p.endsWith("serve.yaml")
                    && !p.getFileName().toString().startsWith("_")).sorted().toList();
        }
    }

    /** A pipeline file as JSON with the keys of the files it includes, as the loader merges them: its own keys win. */
    private static JsonNode withIncludes(Path pipeline) throws IOException {
        JsonNode json = yamlAsJson(Files.readString(pipeline));
        if (!(json instanceof tools.jackson.databind.node.ObjectNode o) || !o.has("include"))
            return json;
        JsonNode include = o.get("include");
        List<JsonNode> names = include.isArray() ? include.valueStream().toList() : List.of(include);
        for (JsonNode name : names) {
            JsonNode included = yamlAsJson(Files.readString(pipeline.resolveSibling(name.asString())));
            included.properties().forEach(e -> {
                if (!o.has(e.getKey()))
                    o.set(e.getKey(), e.getValue());
            });
        }
        return o;
    }

    private static JsonNode yamlAsJson(String yaml) {
        Object tree = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        return Reports.JSON.valueToTree(tree);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
