package dev.sluice.server;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.Connectors;
import dev.sluice.core.state.ErrorRecord;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.LedgerFilter;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The REST API and the dashboard, served by Javalin on the service's address. Routes are listed in
 * {@link #ROUTES} and described in {@code openapi.yaml} (served at {@code /api/v1/openapi.yaml}); a test
 * holds the two together. Errors are JSON objects with {@code error_id}, {@code timestamp},
 * {@code error_code}, {@code message} and {@code context}.
 *
 * <p>Authentication: a bearer token is needed for every action, and for every request when the
 * service listens beyond loopback (the dashboard's static files excepted: they hold no data). Tokens
 * are compared in constant time ({@link Tokens}).
 */
final class Api implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Api.class);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String OPENAPI = "/dev/sluice/server/openapi.yaml";
    private static final String DASHBOARD = "/dev/sluice/server/dashboard/";
    private static final List<String> ASSETS = List.of("app.js", "style.css");

    /** A route of the API: method, path (OpenAPI's {name} syntax), and whether it is an action. */
    record Route(String method, String path, boolean action) {
        /** Whether a request path is this route's, a {parameter} standing for one path segment. */
        boolean matches(String requestPath) {
            String[] want = path.split("/", -1);
            String[] got = requestPath.split("/", -1);
            if (want.length != got.length)
                return false;
            for (int i = 0; i < want.length; i++)
                if (!want[i].startsWith("{") && !want[i].equals(got[i]))
                    return false;
            return true;
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/api/v1/health", false),
            new Route("GET", "/api/v1/ready", false),
            new Route("GET", "/api/v1/pipelines", false),
            new Route("GET", "/api/v1/pipelines/{name}", false),
            new Route("GET", "/api/v1/pipelines/{name}/runs", false),
            new Route("GET", "/api/v1/pipelines/{name}/runs/{run_id}", false),
            new Route("GET", "/api/v1/pipelines/{name}/windows", false),
            new Route("GET", "/api/v1/pipelines/{name}/keys", false),
            new Route("GET", "/api/v1/errors/{error_id}", false),
            new Route("GET", "/api/v1/connectors", false),
            new Route("POST", "/api/v1/pipelines/{name}/run", true),
            new Route("POST", "/api/v1/pipelines/{name}/backfill", true),
            new Route("POST", "/api/v1/pipelines/{name}/replay", true),
            new Route("POST", "/api/v1/pipelines/{name}/enable", true),
            new Route("POST", "/api/v1/pipelines/{name}/disable", true),
            new Route("GET", "/metrics", false));

    private final Service service;
    private final Tokens tokens;
    private final Javalin app;

    Api(Service service, Tokens tokens) {
        this.service = service;
        this.tokens = tokens;
        ServeSettings s = service.settings();
        if (!s.loopbackOnly() && !tokens.any())
            throw new SluiceException(ErrorCode.USAGE, "the API would listen on " + s.host() + ", beyond this machine, without a token; set "
                    + Tokens.ENVIRONMENT + " or auth.token_file, or listen on 127.0.0.1");
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = 64 * 1024;
            config.jetty.host = s.host();
            config.jetty.port = s.port();
            var r = config.routes;
            r.before(this::authenticate);
            r.after(this::measure);
            r.get("/", ctx -> asset(ctx, "index.html", "text/html; charset=utf-8"));
            r.get("/assets/{file}", ctx -> {
                String file = ctx.pathParam("file");
                if (!ASSETS.contains(file))
                    throw new Service.Refused(404, "NOT_FOUND", "no such file: " + file);
                asset(ctx, file, file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
            });
            r.get("/api/v1/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(resource(OPENAPI)));
            r.get("/api/v1/health", ctx -> json(ctx, 200, JSON.createObjectNode().put("status", "up")));
            r.get("/api/v1/ready", this::ready);
            r.get("/api/v1/pipelines", this::pipelines);
            r.get("/api/v1/pipelines/{name}", this::pipeline);
            r.get("/api/v1/pipelines/{name}/runs", this::runs);
            r.get("/api/v1/pipelines/{name}/runs/{run_id}", this::run);
            r.get("/api/v1/pipelines/{name}/windows", this::windows);
            r.get("/api/v1/pipelines/{name}/keys", this::keys);
            r.get("/api/v1/errors/{error_id}", this::error);
            r.get("/api/v1/connectors", this::connectors);
            r.post("/api/v1/pipelines/{name}/run", ctx -> accepted(ctx, service.runNow(ctx.pathParam("name"), "run now")));
            r.post("/api/v1/pipelines/{name}/backfill", ctx -> {
                JsonNode body = body(ctx);
                accepted(ctx, service.backfill(ctx.pathParam("name"), text(body, "from"), text(body, "to")));
            });
            r.post("/api/v1/pipelines/{name}/replay", ctx -> {
                String what = Optional.ofNullable(text(body(ctx), "what")).orElse("windows");
                if (!what.equals("windows") && !what.equals("keys"))
                    throw new Service.Refused(400, "BAD_REQUEST", "'what' is '" + what + "'; use \"windows\" (failed windows) or \"keys\" (failed keys)");
                accepted(ctx, service.replay(ctx.pathParam("name"), what.equals("keys")));
            });
            r.post("/api/v1/pipelines/{name}/enable", ctx -> toggle(ctx, true));
            r.post("/api/v1/pipelines/{name}/disable", ctx -> toggle(ctx, false));
            r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(service.scrape()));
            r.exception(Service.Refused.class, (e, ctx) -> problem(ctx, e.status, e.code, e.getMessage()));
            r.exception(SluiceException.class, (e, ctx) -> {
                log.atError().addKeyValue("error_id", e.errorId()).addKeyValue("code", e.code()).log("API request {} {} failed: {}",
                        ctx.method(), ctx.path(), e.getMessage());
                problem(ctx, e.code().name().startsWith("STATE_") ? 503 : 500, e.code().name(), e.getMessage(), e.errorId());
            });
            r.exception(Exception.class, (e, ctx) -> {
                String id = UUID.randomUUID().toString();
                log.atError().addKeyValue("error_id", id).log("API request {} {} failed: {}", ctx.method(), ctx.path(), e.toString());
                problem(ctx, 500, "INTERNAL", "the request failed inside the service; the log has the details under this error id", id);
            });
            r.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty())
                    problem(ctx, 404, "NOT_FOUND", "no such route: " + ctx.method() + " " + ctx.path() + "; GET /api/v1/openapi.yaml describes the API");
            });
            r.error(405, ctx -> problem(ctx, 405, "METHOD_NOT_ALLOWED", ctx.method() + " is not allowed on " + ctx.path()));
        });
    }

    void start() {
        app.start();
    }

    int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    // ------------------------------------------------------------------------------------------------ auth

    private void authenticate(Context ctx) {
        ctx.attribute("sluice.t0", System.nanoTime());
        String path = ctx.path();
        boolean staticFile = ctx.method().name().equals("GET") && (path.equals("/") || path.startsWith("/assets/") || path.equals("/api/v1/openapi.yaml"));
        boolean action = !ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD") && !ctx.method().name().equals("OPTIONS");
        boolean needed = action || (!service.settings().loopbackOnly() && !staticFile);
        if (!needed)
            return;
        if (!tokens.any())
            throw new Service.Refused(401, "TOKEN_REQUIRED", "actions need a bearer token, and the service has none; set " + Tokens.ENVIRONMENT
                    + " or auth.token_file and restart it");
        Optional<String> presented = Tokens.bearer(ctx.header("Authorization"));
        if (presented.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"sluice\"");
            throw new Service.Refused(401, "TOKEN_REQUIRED", "this request needs a token: send the header Authorization: Bearer TOKEN");
        }
        if (!tokens.accepts(presented.get())) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"sluice\", error=\"invalid_token\"");
            throw new Service.Refused(401, "TOKEN_INVALID", "the token is not one of the service's tokens");
        }
    }

    private void measure(Context ctx) {
        Long t0 = ctx.attribute("sluice.t0");
        if (t0 == null)
            return;
        String method = ctx.method().name();
        String route = ROUTES.stream().filter(r -> r.method().equals(method) && r.matches(ctx.path())).map(Route::path).findFirst().orElse("other");
        // A builder per request: Timer.Builder is mutable, and requests are measured on many threads.
        Timer.builder("sluice.api.request").description("API requests, by route and status").publishPercentiles(0.5, 0.99)
                .tags("method", method, "route", route, "status", Integer.toString(ctx.statusCode()))
                .register(service.metrics().registry()).record(Duration.ofNanos(System.nanoTime() - t0));
    }

    // ------------------------------------------------------------------------------------------------ reading

    private void ready(Context ctx) {
        boolean ready = !service.stopping();
        ObjectNode o = JSON.createObjectNode().put("ready", ready).put("pipelines", service.slots().size())
                .put("problems", service.invalidFiles().size());
        json(ctx, ready ? 200 : 503, o);
    }

    private void pipelines(Context ctx) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode list = o.putArray("pipelines");
        for (Slot s : service.slots())
            list.add(Views.summary(service, s));
        ArrayNode problems = o.putArray("problems");
        service.invalidFiles().forEach((file, problem) -> problems.addObject().put("file", file.getFileName().toString()).put("problem", problem));
        json(ctx, 200, o);
    }

    private void pipeline(Context ctx) {
        Slot s = service.slot(ctx.pathParam("name"));
        service.refresh(s, s.config);
        ObjectNode o = Views.summary(service, s);
        o.set("keys", Views.tally(service.store(s.config).keyTally(s.config.id())));
        o.set("config", ConfigRedaction.redact(s.text));
        json(ctx, 200, o);
    }

    private void runs(Context ctx) {
        Slot s = service.slot(ctx.pathParam("name"));
        int limit = limit(ctx, 50, 1000);
        Optional<Long> before = longParam(ctx, "before");
        ArrayNode list = JSON.createArrayNode();
        for (RunRecord r : service.store(s.config).runs(s.config.id(), limit, before))
            list.add(Views.run(r));
        ObjectNode o = JSON.createObjectNode();
        o.set("runs", list);
        json(ctx, 200, o);
    }

    private void run(Context ctx) {
        Slot s = service.slot(ctx.pathParam("name"));
        long runId = longPath(ctx, "run_id");
        StateStore store = service.store(s.config);
        RunRecord r = store.run(s.config.id(), runId).orElseThrow(() -> new Service.Refused(404, "NOT_FOUND",
                "pipeline '" + s.name + "' has no run " + runId + "; GET /api/v1/pipelines/" + s.name + "/runs lists them"));
        ObjectNode o = Views.run(r);
        ArrayNode errors = o.putArray("errors");
        for (ErrorRecord e : store.errorsOfRun(runId))
            errors.add(Views.error(e));
        json(ctx, 200, o);
    }

    private void windows(Context ctx) {
        Slot s = service.slot(ctx.pathParam("name"));
        service.refresh(s, s.config);
        CursorKind cursor = s.config.windows().cursor();
        Optional<WindowStatus> status = Optional.ofNullable(ctx.queryParam("status")).map(v -> {
            for (WindowStatus w : WindowStatus.values())
                if (w.label().equals(v))
                    return w;
            throw new Service.Refused(400, "BAD_REQUEST", "status '" + v + "' is not a window status; use running, succeeded, failed or discarded");
        });
        Optional<Position> from = positionParam(ctx, cursor, "from");
        Optional<Position> to = positionParam(ctx, cursor, "to");
        boolean backfill = !"false".equals(ctx.queryParam("backfill"));
        int limit = limit(ctx, 500, 10_000);
        ArrayNode list = JSON.createArrayNode();
        for (LedgerEntry e : service.store(s.config).ledger(s.config.id(), cursor, new LedgerFilter(status, from, to, backfill, limit)))
            list.add(Views.window(e));
        ObjectNode o = JSON.createObjectNode();
        o.put("cursor", cursor.label());
        s.watermark.ifPresentOrElse(w -> o.put("watermark", w.text()), () -> o.putNull("watermark"));
        o.set("windows", list);
        json(ctx, 200, o);
    }

    private void keys(Context ctx) {
        Slot s = service.slot(ctx.pathParam("name"));
        String outcome = Optional.ofNullable(ctx.queryParam("outcome")).orElse("failed");
        Optional<KeyStatus.KeyOutcome> which = switch (outcome) {
            case "failed" -> Optional.of(KeyStatus.KeyOutcome.FAILED);
            case "succeeded" -> Optional.of(KeyStatus.KeyOutcome.SUCCEEDED);
            case "all" -> Optional.empty();
            default -> throw new Service.Refused(400, "BAD_REQUEST", "outcome '" + outcome + "' is not valid; use failed, succeeded or all");
        };
        StateStore store = service.store(s.config);
        ArrayNode list = JSON.createArrayNode();
        for (KeyStatus k : store.keyStatuses(s.config.id(), which, limit(ctx, 500, 10_000)))
            list.add(Views.key(k));
        ObjectNode o = JSON.createObjectNode();
        o.set("keys", list);
        o.set("tally", Views.tally(store.keyTally(s.config.id())));
        json(ctx, 200, o);
    }

    private void error(Context ctx) {
        String id = ctx.pathParam("error_id");
        for (StateStore store : service.stores()) {
            Optional<ErrorRecord> e = store.error(id);
            if (e.isPresent()) {
                json(ctx, 200, Views.error(e.get()));
                return;
            }
        }
        throw new Service.Refused(404, "NOT_FOUND", "no error with id '" + id + "' is on the books of this service's pipelines");
    }

    private void connectors(Context ctx) {
        Connectors c = Connectors.discover();
        ObjectNode o = JSON.createObjectNode();
        ArrayNode sources = o.putArray("sources");
        c.sources().forEach((type, p) -> {
            ArrayNode cursors = sources.addObject().put("type", type).putArray("cursors");
            p.cursors().stream().map(CursorKind::label).sorted().forEach(cursors::add);
        });
        ArrayNode steps = o.putArray("steps");
        c.steps().keySet().forEach(t -> steps.addObject().put("type", t));
        ArrayNode sinks = o.putArray("sinks");
        c.sinks().keySet().forEach(t -> sinks.addObject().put("type", t));
        json(ctx, 200, o);
    }

    // ------------------------------------------------------------------------------------------------ actions

    private void accepted(Context ctx, Service.Started started) {
        json(ctx, 202, JSON.createObjectNode().put("accepted", true).put("pipeline", started.pipeline()).put("action", started.action())
                .put("at", started.at().toString())
                .put("runs", "/api/v1/pipelines/" + started.pipeline() + "/runs"));
    }

    private void toggle(Context ctx, boolean enabled) {
        String name = ctx.pathParam("name");
        String reason = Optional.ofNullable(text(body(ctx), "reason")).orElse("");
        service.setEnabled(name, enabled, reason);
        json(ctx, 200, Views.summary(service, service.slot(name)));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static JsonNode body(Context ctx) {
        String b = ctx.body();
        if (b == null || b.isBlank())
            return JSON.createObjectNode();
        try {
            JsonNode n = JSON.readTree(b);
            if (!n.isObject())
                throw new Service.Refused(400, "BAD_REQUEST", "the body must be a JSON object");
            return n;
        } catch (tools.jackson.core.JacksonException e) {
            throw new Service.Refused(400, "BAD_REQUEST", "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull())
            return null;
        if (!v.isString() && !v.isNumber())
            throw new Service.Refused(400, "BAD_REQUEST", "'" + field + "' must be a string");
        return v.asString();
    }

    private static int limit(Context ctx, int byDefault, int max) {
        return longParam(ctx, "limit").map(l -> {
            if (l < 1 || l > max)
                throw new Service.Refused(400, "BAD_REQUEST", "limit must be between 1 and " + max);
            return l.intValue();
        }).orElse(byDefault);
    }

    private static Optional<Long> longParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank())
            return Optional.empty();
        try {
            return Optional.of(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            throw new Service.Refused(400, "BAD_REQUEST", name + " '" + v + "' is not a whole number");
        }
    }

    private static long longPath(Context ctx, String name) {
        String v = ctx.pathParam(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new Service.Refused(400, "BAD_REQUEST", name + " '" + v + "' is not a whole number");
        }
    }

    private static Optional<Position> positionParam(Context ctx, CursorKind cursor, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank())
            return Optional.empty();
        try {
            return Optional.of(Position.parse(cursor, v.strip()));
        } catch (RuntimeException e) {
            throw new Service.Refused(400, "BAD_REQUEST", name + " '" + v + "' is not a " + cursor.label() + " position"
                    + (cursor == CursorKind.TIME ? "; write an ISO-8601 instant such as 2025-07-01T00:00:00Z" : "; write a whole number"));
        }
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
    }

    private static void problem(Context ctx, int status, String code, String message) {
        problem(ctx, status, code, message, UUID.randomUUID().toString());
    }

    /** The standard error body (seed 002's format). */
    private static void problem(Context ctx, int status, String code, String message, String errorId) {
        ObjectNode o = JSON.createObjectNode().put("error_id", errorId).put("timestamp", Instant.now().toString()).put("error_code", code)
                .put("message", message);
        o.putObject("context").put("method", ctx.method().name()).put("path", ctx.path());
        json(ctx, status, o);
    }

    private static void asset(Context ctx, String file, String type) {
        ctx.contentType(type).header("Cache-Control", "no-cache").result(resource(DASHBOARD + file));
    }

    private static byte[] resource(String path) {
        try (InputStream in = Api.class.getResourceAsStream(path)) {
            if (in == null)
                throw new IllegalStateException("the resource " + path + " is missing from the build");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
