package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import dev.sluice.server.alert.AlertSettings;
import dev.sluice.server.alert.Alerter;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.PipelineId;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.state.StateStores;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Every route of the API, answered by a real service over real pipelines, checked against openapi.yaml. */
class ApiTest {
    private static final OpenApi SPEC = new OpenApi();
    static final String ORDERS = """
            name: orders
            description: hourly generated orders
            state: sqlite:state.db
            windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T06:00:00Z, size: 1h}
            source: {type: generate, every: 10m}
            sink: {type: jsonl, path: out}
            schedule: {every: 1h}
            """;
    /** Its records lack a field its schema requires, so its first window fails with an error on the books. */
    static final String BROKEN = """
            name: broken
            state: sqlite:state.db
            windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T02:00:00Z, size: 1h}
            source: {type: generate, every: 30m}
            steps:
              - {type: validate, on_invalid: fail, schema: {type: object, required: [order_id]}}
            sink: {type: jsonl, path: out-broken}
            """;

    @TempDir
    Path dir;
    Served served;

    @BeforeEach
    void start() throws IOException {
        Served.write(dir, "orders.yaml", ORDERS);
        Served.write(dir, "broken.yaml", BROKEN);
        Served.write(dir, "bad.yaml", "name: bad\nwindows: {size: 1h}\n");
        served = Served.manual(dir, "127.0.0.1", Clock.systemUTC(), Alerter.start(AlertSettings.none(), Clock.systemUTC()));
    }

    @AfterEach
    void stop() {
        served.close();
    }

    private void ranBoth() {
        assertThat(served.post("/api/v1/pipelines/orders/run", "", Served.TOKEN).statusCode()).isEqualTo(202);
        assertThat(served.post("/api/v1/pipelines/broken/run", "", Served.TOKEN).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
    }

    private JsonNode conforming(String method, String path, String concrete, int status) {
        HttpResponse<String> r = method.equals("GET") ? served.get(concrete, null) : served.post(concrete, "{}", Served.TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = Served.json(r);
        assertThat(SPEC.check(method, path, status, "application/json", body)).as(r.body()).isEmpty();
        return body;
    }

    @Test
    void every_route_of_the_service_is_in_the_openapi_file_and_every_route_of_the_file_is_served() {
        List<String> served = Api.ROUTES.stream().map(r -> r.method() + " " + r.path()).toList();
        assertThat(SPEC.operations()).containsExactlyInAnyOrderElementsOf(served);
    }

    @Test
    void health_and_readiness_answer_as_documented() {
        assertThat(conforming("GET", "/api/v1/health", "/api/v1/health", 200).get("status").asString()).isEqualTo("up");
        JsonNode ready = conforming("GET", "/api/v1/ready", "/api/v1/ready", 200);
        assertThat(ready.get("pipelines").asInt()).isEqualTo(2);
        assertThat(ready.get("problems").asInt()).isEqualTo(1);
    }

    @Test
    void the_pipeline_list_shows_each_pipeline_and_the_file_that_was_skipped_with_its_problem() {
        ranBoth();
        JsonNode list = conforming("GET", "/api/v1/pipelines", "/api/v1/pipelines", 200);
        assertThat(list.get("pipelines").findValuesAsString("name")).containsExactly("broken", "orders");
        JsonNode orders = list.get("pipelines").get(1);
        assertThat(orders.get("health").asString()).isEqualTo("ok");
        assertThat(orders.get("watermark").asString()).isEqualTo("2025-01-01T06:00:00Z");
        assertThat(orders.get("windows").get("succeeded").asInt()).isEqualTo(6);
        assertThat(list.get("pipelines").get(0).get("health").asString()).isEqualTo("failing");
        assertThat(list.get("problems").get(0).get("file").asString()).isEqualTo("bad.yaml");
        assertThat(list.get("problems").get(0).get("problem").asString()).contains("source");
    }

    @Test
    void a_pipeline_detail_shows_its_configuration_with_secrets_masked() {
        Served.write(dir, "secret.yaml", """
                name: secret
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}
                connections:
                  api: {base_url: "http://127.0.0.1:9/", auth: {type: bearer, token: literal-token-value}}
                  db: {url: "jdbc:postgresql://127.0.0.1:5432/test?user=reader&password=hunter2-password"}
                source: {type: http, connection: api, request: {path: /r}, records: "$.data[*]"}
                sink: {type: jdbc, connection: db, table: orders, mode: upsert, key: [id]}
                """);
        served.service.reload();
        assertThat(served.service.invalidFiles()).doesNotContainKey(dir.resolve("secret.yaml"));
        HttpResponse<String> r = served.get("/api/v1/pipelines/secret", null);
        JsonNode detail = conforming("GET", "/api/v1/pipelines/{name}", "/api/v1/pipelines/secret", 200);
        assertThat(r.body()).doesNotContain("literal-token-value").doesNotContain("hunter2-password");
        assertThat(detail.at("/config/connections/api/auth/token").asString()).isEqualTo("***");
        assertThat(detail.at("/config/connections/db/url").asString()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=reader&password=***");
    }

    @Test
    void a_pipeline_detail_shows_the_configuration_that_runs_not_a_refused_newer_file() {
        Served.write(dir, "orders.yaml", ORDERS.replace("every: 10m", "every: 10m, fields: nine"));
        served.service.reload();
        JsonNode detail = conforming("GET", "/api/v1/pipelines/{name}", "/api/v1/pipelines/orders", 200);
        assertThat(detail.get("refused_change").asString()).contains("fields");
        assertThat(detail.at("/config/source/every").asString()).isEqualTo("10m");
        assertThat(detail.at("/config/source").has("fields")).isFalse();
    }

    @Test
    void runs_and_a_run_with_its_errors_answer_as_documented() {
        ranBoth();
        JsonNode runs = conforming("GET", "/api/v1/pipelines/{name}/runs", "/api/v1/pipelines/broken/runs", 200);
        assertThat(runs.get("runs")).hasSize(1);
        long runId = runs.get("runs").get(0).get("run_id").asLong();
        JsonNode run = conforming("GET", "/api/v1/pipelines/{name}/runs/{run_id}", "/api/v1/pipelines/broken/runs/" + runId, 200);
        assertThat(run.get("status").asString()).isEqualTo("failed");
        assertThat(run.get("errors")).isNotEmpty();
        assertThat(run.get("errors").get(0).get("error_id").asString()).isEqualTo(run.get("error_id").asString());
    }

    @Test
    void the_window_ledger_filters_by_status_and_range() {
        ranBoth();
        JsonNode all = conforming("GET", "/api/v1/pipelines/{name}/windows", "/api/v1/pipelines/orders/windows", 200);
        assertThat(all.get("windows")).hasSize(6);
        assertThat(all.get("windows").get(0).get("start").asString()).isEqualTo("2025-01-01T05:00:00Z");
        JsonNode range = conforming("GET", "/api/v1/pipelines/{name}/windows",
                "/api/v1/pipelines/orders/windows?from=2025-01-01T01:00:00Z&to=2025-01-01T03:00:00Z", 200);
        assertThat(range.get("windows").findValuesAsString("start")).containsExactly("2025-01-01T02:00:00Z", "2025-01-01T01:00:00Z");
        JsonNode failed = conforming("GET", "/api/v1/pipelines/{name}/windows", "/api/v1/pipelines/broken/windows?status=failed", 200);
        assertThat(failed.get("windows")).isNotEmpty();
        assertThat(failed.get("windows").get(0).get("error_id").isString()).isTrue();
    }

    @Test
    void the_watermark_shown_follows_a_reset_made_outside_the_service() {
        ranBoth();
        try (var store = StateStores.open("sqlite:" + dir.resolve("state.db"))) {
            store.reset(new PipelineId("orders"), dev.sluice.core.window.CursorKind.TIME,
                    Optional.of(dev.sluice.core.state.Position.ofInstant(Instant.parse("2025-01-01T02:00:00Z"))));
        }
        assertThat(Served.json(served.get("/api/v1/pipelines/orders/windows", null)).get("watermark").asString()).isEqualTo("2025-01-01T02:00:00Z");
        JsonNode detail = Served.json(served.get("/api/v1/pipelines/orders", null));
        assertThat(detail.get("watermark").asString()).isEqualTo("2025-01-01T02:00:00Z");
        assertThat(detail.at("/windows/discarded").asInt()).isEqualTo(4);
    }

    @Test
    void an_error_is_found_by_its_id() {
        ranBoth();
        String id = Served.json(served.get("/api/v1/pipelines/broken/windows?status=failed", null)).at("/windows/0/error_id").asString();
        JsonNode error = conforming("GET", "/api/v1/errors/{error_id}", "/api/v1/errors/" + id, 200);
        assertThat(error.get("pipeline").asString()).isEqualTo("broken");
        assertThat(error.get("message").asString()).contains("order_id");
    }

    @Test
    void failed_keys_are_listed_with_their_reason() {
        try (var store = StateStores.open("sqlite:" + dir.resolve("state.db"))) {
            store.putKeyStatus(new KeyStatus(new PipelineId("orders"), "record-17", KeyStatus.KeyOutcome.FAILED, Optional.of("Both API calls returned empty"),
                    Optional.empty(), 2, Optional.empty(), Instant.parse("2025-01-01T01:00:00Z")));
        }
        JsonNode keys = conforming("GET", "/api/v1/pipelines/{name}/keys", "/api/v1/pipelines/orders/keys", 200);
        assertThat(keys.get("keys").findValuesAsString("key")).containsExactly("record-17");
        assertThat(keys.at("/keys/0/reason").asString()).isEqualTo("Both API calls returned empty");
        assertThat(keys.at("/tally/failed").asLong()).isEqualTo(1);
    }

    @Test
    void the_connector_types_are_listed() {
        JsonNode types = conforming("GET", "/api/v1/connectors", "/api/v1/connectors", 200);
        assertThat(types.get("sources").findValuesAsString("type")).contains("http", "jdbc", "generate");
        assertThat(types.get("sinks").findValuesAsString("type")).contains("csv", "jsonl", "jdbc", "http");
        assertThat(types.get("steps").findValuesAsString("type")).contains("http", "filter", "validate");
    }

    @Test
    void an_unknown_pipeline_is_a_404_in_the_standard_error_format() {
        JsonNode e = conforming("GET", "/api/v1/pipelines/{name}", "/api/v1/pipelines/nowhere", 404);
        assertThat(e.get("error_code").asString()).isEqualTo("NOT_FOUND");
        assertThat(e.get("message").asString()).contains("nowhere");
    }

    @Test
    void a_bad_window_filter_is_a_400_that_says_what_would_be_valid() {
        JsonNode e = conforming("GET", "/api/v1/pipelines/{name}/windows", "/api/v1/pipelines/orders/windows?status=lost", 400);
        assertThat(e.get("message").asString()).contains("running, succeeded, failed or discarded");
    }

    @Test
    void run_now_is_accepted_and_its_run_lands_on_the_books() {
        JsonNode accepted = conforming("POST", "/api/v1/pipelines/{name}/run", "/api/v1/pipelines/orders/run", 202);
        assertThat(accepted.get("action").asString()).isEqualTo("run");
        await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
        assertThat(Served.json(served.get("/api/v1/pipelines/orders/runs", null)).at("/runs/0/status").asString()).isEqualTo("succeeded");
    }

    @Test
    void a_backfill_runs_the_range_as_backfill_windows() {
        HttpResponse<String> r = served.post("/api/v1/pipelines/orders/backfill", "{\"from\": \"2025-01-01T00:00:00Z\", \"to\": \"2025-01-01T02:00:00Z\"}", Served.TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(SPEC.check("POST", "/api/v1/pipelines/{name}/backfill", 202, "application/json", Served.json(r))).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
        JsonNode windows = Served.json(served.get("/api/v1/pipelines/orders/windows", null));
        assertThat(windows.get("windows").findValuesAsString("start")).containsExactly("2025-01-01T01:00:00Z", "2025-01-01T00:00:00Z");
        assertThat(windows.get("windows").findValues("backfill")).allMatch(JsonNode::asBoolean);
        assertThat(windows.get("watermark").isNull()).isTrue();
    }

    @Test
    void a_backfill_without_a_range_is_a_400() {
        JsonNode e = conforming("POST", "/api/v1/pipelines/{name}/backfill", "/api/v1/pipelines/orders/backfill", 400);
        assertThat(e.get("message").asString()).contains("'from' is missing");
    }

    @Test
    void replaying_failed_windows_runs_them_again_and_records_a_replay() {
        ranBoth();
        JsonNode accepted = conforming("POST", "/api/v1/pipelines/{name}/replay", "/api/v1/pipelines/broken/replay", 202);
        assertThat(accepted.get("action").asString()).isEqualTo("replay");
        await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
        JsonNode last = Served.json(served.get("/api/v1/pipelines/broken/runs", null)).at("/runs/0");
        assertThat(last.get("kind").asString()).isEqualTo("replay");
        assertThat(last.get("details").asString()).isEqualTo("failed windows");
    }

    @Test
    void disable_and_enable_switch_the_schedule_and_say_who_set_it() {
        JsonNode off = conforming("POST", "/api/v1/pipelines/{name}/disable", "/api/v1/pipelines/orders/disable", 200);
        assertThat(off.get("enabled").asBoolean()).isFalse();
        assertThat(off.get("enabled_by").asString()).isEqualTo("api");
        assertThat(off.get("next_run").isNull()).isTrue();
        JsonNode on = conforming("POST", "/api/v1/pipelines/{name}/enable", "/api/v1/pipelines/orders/enable", 200);
        assertThat(on.get("enabled").asBoolean()).isTrue();
    }

    @Test
    void a_second_run_while_one_is_going_is_a_409() {
        Served.write(dir, "slow.yaml", """
                name: slow
                state: sqlite:state.db
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T01:00:00Z, size: 1h}
                source: {type: generate, every: 1m, pause_per_record: 100ms}
                sink: {type: jsonl, path: out}
                """);
        served.service.reload();
        assertThat(served.post("/api/v1/pipelines/slow/run", "", Served.TOKEN).statusCode()).isEqualTo(202);
        JsonNode e = conforming("POST", "/api/v1/pipelines/{name}/run", "/api/v1/pipelines/slow/run", 409);
        assertThat(e.get("error_code").asString()).isEqualTo("RUN_IN_PROGRESS");
        await().atMost(Duration.ofSeconds(30)).until(served.service::idle);
    }

    @Test
    void metrics_are_in_the_prometheus_format() {
        ranBoth();
        HttpResponse<String> r = served.get("/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("sluice_records_written_total{pipeline=\"orders\"} 36.0")
                .contains("sluice_windows_total{outcome=\"succeeded\",pipeline=\"orders\"} 6.0")
                .contains("sluice_windows_total{outcome=\"failed\",pipeline=\"broken\"}")
                .contains("sluice_watermark_lag_seconds{pipeline=\"orders\"}")
                .contains("sluice_window_duration_seconds_bucket")
                .contains("sluice_api_request_seconds{method=\"POST\",route=\"/api/v1/pipelines/{name}/run\",status=\"202\",quantile=\"0.99\"}");
    }
}
