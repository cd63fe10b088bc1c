package dev.sluice.connectors.http;

import dev.sluice.connectors.http.HttpSinkConfig.Mode;
import dev.sluice.connectors.http.HttpSinkConfig.OnEmpty;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkProvider;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code sink: {type: http}}: records POSTed (or PUT) in batches, or one payload per window, through a
 * named connection.
 *
 * <pre>
 * sink:
 *   type: http
 *   connection: incidents                 # an entry under connections:; required
 *   request: {method: POST, path: /api/incidents, query: {}, headers: {}}   # path required
 *   mode: batch                           # batch (default) or window
 *   batch_size: 500                       # records per request in batch mode
 *   body: {count: "{{ batch.count }}", records: "{{ records }}"}   # default: the array of records
 *   on_empty: skip                        # skip (default) or send: a window without records
 *   idempotency_header: Idempotency-Key   # the default; off to send none
 *   time_format: iso                      # and timezone: how window instants are written
 * </pre>
 *
 * See {@link HttpSink} for how requests are sent and committed.
 */
public final class HttpSinkProvider implements SinkProvider {
    private static final List<String> ROOTS = List.of("window", "batch", "pipeline");
    private static final Set<String> OFF = Set.of("off", "false", "no", "none");

    @Override
    public String type() {
        return "http";
    }

    @Override
    public Sink bind(ConfigObject config) {
        config.has("type"); // chose this provider
        Optional<HttpConnection> connection = config.connection("connection", HttpConnection.class, HttpConnection::bind);
        if (!config.has("connection"))
            config.problem("missing required key 'connection': the name of an entry under connections:, e.g. connection: incidents");
        RequestSpec request = RequestSpec.bindSend(config, ROOTS);
        Mode mode = config.choice("mode", Mode.class).orElse(Mode.BATCH);
        int batchSize = config.integer("batch_size", 1, HttpSinkConfig.MAX_BATCH_SIZE).orElse((long) HttpSinkConfig.DEFAULT_BATCH_SIZE).intValue();
        if (mode == Mode.WINDOW && config.has("batch_size"))
            config.problem("batch_size", "batch_size applies to mode: batch; mode: window sends one request per window. Remove batch_size, "
                    + "or set mode: batch");
        OnEmpty onEmpty = config.choice("on_empty", OnEmpty.class).orElse(OnEmpty.SKIP);
        BodyTemplate body = BodyTemplate.bind(config, "body", ROOTS);
        Optional<String> header = idempotencyHeader(config);
        if (request != null && header.isPresent() && request.headers().keySet().stream().anyMatch(header.get()::equalsIgnoreCase))
            config.problem("request", "headers sets " + header.get() + ", the sink's idempotency_header, which carries each request's key; "
                    + "remove it from headers, or name another idempotency_header (or write idempotency_header: off)");
        Template.TimeFormat time = HttpSourceProvider.timeFormat(config);
        config.finish();
        if (connection.isEmpty() || request == null || body == null)
            return null;
        return new HttpSink(connection.get(), new HttpSinkConfig(request, body, mode, batchSize, onEmpty, header, time));
    }

    /** {@code idempotency_header:} a header name, or off; Idempotency-Key when absent. */
    private static Optional<String> idempotencyHeader(ConfigObject config) {
        Optional<String> fallback = Optional.of(HttpSinkConfig.DEFAULT_IDEMPOTENCY_HEADER);
        Optional<JsonNode> value = config.json("idempotency_header");
        if (value.isEmpty())
            return fallback;
        JsonNode v = value.get();
        if (v.isBoolean())
            return v.asBoolean() ? fallback : Optional.empty();
        String name = v.isString() ? v.asString().strip() : "";
        if (OFF.contains(name.toLowerCase(Locale.ROOT)))
            return Optional.empty();
        if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            config.problem("idempotency_header", "write a header name such as Idempotency-Key or X-Request-Id, or off to send no key");
            return fallback;
        }
        if (HttpConnectionBinding.RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
            config.problem("idempotency_header", "header '" + name + "' is set by the HTTP client itself; name another, such as Idempotency-Key");
            return fallback;
        }
        return Optional.of(name);
    }
}
