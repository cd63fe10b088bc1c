package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * An HTTP API on 127.0.0.1 that serves the deterministic {@link DemoData} with every pagination style, every
 * authentication mode and injected faults, for tests, benchmarks and the quickstart. Every answer is JSON.
 * With {@link Profile#MASTERCONTROL} it serves the endpoints of {@link MasterControlRoutes} instead of the records
 * and lookups below; everything else (inbox, authentication, rate limit, faults, latency, statistics) is the same.
 *
 * <h2>Records</h2>
 * Every list filters on {@code since <= updated_at < until}; with {@code inclusive=true}, {@code until} is
 * inclusive. Both are optional and take ISO-8601 ({@code 2025-01-01T00:00:00Z} or with an offset), epoch seconds
 * (up to 10 digits) or epoch milliseconds (13 digits); anything else is a 400. Pages default to 100 records and
 * are capped at {@link DemoApiOptions#maxPageSize()}.
 * <ul>
 * <li>{@code GET /page/records?page=N&size=M[&first=0|1]} (also {@code /records}): {@code {"data", "page", "size",
 *     "total", "total_pages", "has_more"}}, pages numbered from {@code first}, 1 by default.
 * <li>{@code GET /offset/records?offset=O&limit=L}: {@code {"items", "offset", "limit", "total"}}.
 * <li>{@code GET /cursor/records?limit=L[&cursor=C]}: {@code {"data", "next_cursor"}}, null on the last page. The
 *     cursor is opaque, stable and carries the filter.
 * <li>{@code GET /link/records?limit=L[&after=ID]}: {@code {"data", "links": {"next"}}}, null on the last page.
 * <li>{@code GET /link-header/records?limit=L[&after=ID]}: a bare array, the next page in
 *     {@code Link: <url>; rel="next"} (absent on the last page).
 * </ul>
 * Next links keep the request's parameters but never {@code api_key}.
 *
 * <h2>Lookups by id</h2>
 * {@code /details/{id}} answers {@code {"data": [{"id", "detail", "source": "primary"}]}}, with an empty list when
 * {@code id % 4 == 0}; {@code /details-fallback/{id}} the same with {@code "fallback"}, empty when
 * {@code id % 12 == 0}; {@code /optional/{id}} always 400; {@code /lots/{lot}} ({@code LOT-0000} to
 * {@code LOT-0096}) answers {@code {"lot", "product", "items": [{"step", "operation", "minutes"}, ...]}} with 2 to 4
 * items. Unknown paths are 404.
 *
 * <h2>Inbox</h2>
 * {@code POST} or {@code PUT /inbox/{name}} with a JSON body keeps the payload (see {@link Inbox}: a repeated
 * {@code Idempotency-Key} is acknowledged but not kept twice) and answers {@code {"received": true,
 * "duplicate": bool}}; {@code GET /inbox/{name}} answers {@code {"payloads": [{"idempotency_key", "method",
 * "received_at", "body"}]}}. A body that is not JSON is a 400.
 *
 * <h2>Authentication</h2>
 * One {@link AuthMode} for the whole server, with the constants below; missing or wrong credentials get 401 with
 * {@code WWW-Authenticate}. {@code POST /oauth/token} (client credentials, form encoded, client in the form or as
 * HTTP Basic, scope must include {@value #SCOPE}) and {@code POST /login} (JSON username and password, answers a
 * {@code session} cookie) are always open. In {@code bearer} mode, issued OAuth2 tokens are accepted as well.
 *
 * <h2>Rate limit</h2>
 * With {@link DemoApiOptions#rateLimit()} R > 0, a token bucket refills R tokens a second up to
 * {@code max(1, R / 10)} tokens and starts full; every request takes one. A request that finds it empty gets 429
 * with {@code Retry-After: 1}. So a client whose requests arrive at least {@code 1/R} seconds apart never gets a
 * 429, and with R >= 20 it may even arrive up to {@code (R/10 - 1)/R} seconds early.
 *
 * <h2>Order of work for one request</h2>
 * options latency, rate limit, authentication, then the first due fault of {@link #faults()}, then the answer.
 */
public final class DemoApi implements AutoCloseable {
    public static final String BEARER_TOKEN = "demo-token-123";
    public static final String API_KEY = "demo-key-456";
    public static final String USERNAME = "demo";
    public static final String PASSWORD = "demo-password";
    public static final String CLIENT_ID = "demo-client";
    public static final String CLIENT_SECRET = "demo-secret";
    public static final String SCOPE = "user_impersonation";

    /** IMF-fixdate of RFC 9110: {@code RFC_1123_DATE_TIME} would print single-digit days without the zero. */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final int SLOW_CHUNKS = 10;

    private final DemoApiOptions options;
    private final DemoData data;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUri;
    private final FaultPlan faults = new FaultPlan();
    private final Tally tally = new Tally();
    /** Requests whose answer has not started; an exchange is compared by identity. (Its own attributes are shared by the whole context.) */
    private final java.util.Set<HttpExchange> unanswered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Inbox inbox = new Inbox();
    // Decimals as sent (250.00 stays 250.00), so that tests see exactly what a sink posted.
    private static final tools.jackson.databind.json.JsonMapper EXACT = tools.jackson.databind.json.JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(tools.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();
    private final Access access;
    private final Listing listing;
    private final MasterControlData masterControl;
    private final MasterControlRoutes masterControlRoutes;
    private final Optional<TokenBucket> bucket;

    private DemoApi(DemoApiOptions options, HttpServer server, ExecutorService executor) {
        this.options = options;
        this.data = DemoData.of(options);
        this.server = server;
        this.executor = executor;
        this.baseUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        this.access = new Access(options, tally);
        this.listing = new Listing(data, options.maxPageSize(), baseUri.toString());
        this.masterControl = MasterControlData.of(options);
        this.masterControlRoutes = new MasterControlRoutes(masterControl, options.maxPageSize());
        this.bucket = options.rateLimit() > 0 ? Optional.of(new TokenBucket(options.rateLimit(), options.clock())) : Optional.empty();
    }

    /** Starts serving at once; {@link #close()} stops it. */
    public static DemoApi start(DemoApiOptions options) throws IOException {
        requireNonNull(options, "options is null");
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 1024);
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        var api = new DemoApi(options, server, executor);
        server.createContext("/", api::handle);
        server.setExecutor(executor);
        server.start();
        return api;
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public URI baseUri() {
        return baseUri;
    }

    public DemoApiOptions options() {
        return options;
    }

    public DemoData data() {
        return data;
    }

    /** The production records served with {@link Profile#MASTERCONTROL}. */
    public MasterControlData masterControl() {
        return masterControl;
    }

    public DemoStats stats() {
        return tally.snapshot();
    }

    public FaultPlan faults() {
        return faults;
    }

    /** Makes every issued OAuth2 token and session cookie invalid, so that clients get 401 and must get new ones. */
    public void expireTokens() {
        access.expireAll();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            // Handlers still sleeping in a fault were interrupted above; let them end before returning.
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        tally.begin(template(exchange.getRequestURI().getPath()));
        unanswered.add(exchange);
        try {
            serve(exchange);
        } finally {
            answering(exchange);
        }
    }

    /**
     * Counts a request as no longer in flight, once: when its answer starts (the client may have it
     * and send its next request before this handler returns, so counting at return would see the
     * next request overlap this one), or when the handler ends without an answer.
     */
    private void answering(HttpExchange exchange) {
        if (unanswered.remove(exchange))
            tally.end();
    }

    private void serve(HttpExchange exchange) throws IOException {
        pause(options.latency());
        Query query;
        try {
            query = Query.of(exchange.getRequestURI());
        } catch (Response.BadRequest e) {
            send(exchange, Response.error(400, e.getMessage()), null);
            return;
        }
        if (bucket.isPresent() && !bucket.get().tryTake()) {
            var refusal = Response.error(429, "more than " + options.rateLimit() + " requests a second; retry after 1s");
            send(exchange, refusal.withHeader("Retry-After", "1"), null);
            return;
        }
        String path = query.path();
        boolean open = path.equals("/login") || path.equals("/oauth/token");
        Optional<Response> refusal = open ? Optional.empty() : access.refusal(exchange, query);
        if (refusal.isPresent()) {
            send(exchange, refusal.get(), null);
            return;
        }
        boolean cursorStyle = path.equals("/cursor/records") || path.equals("/link/records") || path.equals("/link-header/records");
        Fault fault = faults.next(path, cursorStyle).orElse(null);
        Fault.Kind kind = fault == null ? null : fault.kind();
        if (kind == Fault.Kind.RESET) {
            // Closing before the headers makes the JDK server drop the connection: the client gets no answer at all.
            exchange.close();
            return;
        }
        if (kind == Fault.Kind.LATENCY)
            pause(fault.duration());
        Response answer = switch (kind) {
            case STATUS -> Response.error(fault.status(), "injected fault: " + fault.status());
            case TOO_MANY_REQUESTS -> Response.error(429, "injected fault: too many requests")
                    .withHeader("Retry-After", Long.toString(ceilSeconds(fault.duration())));
            case TOO_MANY_REQUESTS_DATE -> Response.error(429, "injected fault: too many requests")
                    .withHeader("Retry-After", HTTP_DATE.format(retryDate(fault.duration())));
            case null, default -> answer(exchange, query, kind == Fault.Kind.REPEAT_CURSOR);
        };
        send(exchange, answer, fault);
    }

    private Response answer(HttpExchange exchange, Query query, boolean repeat) {
        try {
            String path = query.path();
            if (path.equals("/oauth/token") || path.equals("/login")) {
                if (!exchange.getRequestMethod().equals("POST"))
                    return Response.error(405, path + " takes POST").withHeader("Allow", "POST");
                return path.equals("/login") ? access.login(exchange) : access.token(exchange);
            }
            if (path.startsWith("/inbox/") && path.length() > "/inbox/".length())
                return inbox(exchange, path.substring("/inbox/".length()));
            if (!exchange.getRequestMethod().equals("GET"))
                return Response.error(405, path + " takes GET").withHeader("Allow", "GET");
            if (options.profile() == Profile.MASTERCONTROL)
                return masterControlRoutes.answer(query).orElseGet(() -> Response.error(404,
                        "no such path " + path + "; the MasterControl endpoints are listed in the MasterControlRoutes javadoc"));
            return switch (path) {
                case "/records", "/page/records" -> listing.page(query);
                case "/offset/records" -> listing.offset(query);
                case "/cursor/records" -> listing.cursor(query, repeat);
                case "/link/records" -> listing.link(query, repeat, false);
                case "/link-header/records" -> listing.link(query, repeat, true);
                default -> lookup(path);
            };
        } catch (Response.BadRequest e) {
            return Response.error(400, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return Response.error(500, "the demo API failed: " + e);
        }
    }

    private Response inbox(HttpExchange exchange, String name) throws IOException {
        var json = JsonNodeFactory.instance;
        String method = exchange.getRequestMethod();
        if (method.equals("GET")) {
            var list = json.arrayNode();
            for (Inbox.Delivery d : inbox.deliveries(name)) {
                var item = list.addObject();
                item.put("idempotency_key", d.idempotencyKey().orElse(null));
                item.put("method", d.method());
                item.put("received_at", d.receivedAt().toString());
                item.set("body", d.body());
            }
            return Response.json(200, json.objectNode().set("payloads", list));
        }
        if (!method.equals("POST") && !method.equals("PUT"))
            return Response.error(405, "/inbox/" + name + " takes GET, POST or PUT").withHeader("Allow", "GET, POST, PUT");
        JsonNode body;
        try {
            body = EXACT.readTree(exchange.getRequestBody());
        } catch (tools.jackson.core.JacksonException e) {
            return Response.error(400, "the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || body.isMissingNode())
            return Response.error(400, "the body is empty; send a JSON document");
        boolean duplicate = inbox.receive(new Inbox.Delivery(name, Optional.ofNullable(exchange.getRequestHeaders().getFirst("Idempotency-Key")),
                method, body, Instant.now()));
        return Response.json(200, json.objectNode().put("received", true).put("duplicate", duplicate));
    }

    /** Payloads posted to {@code /inbox/{name}}. */
    public Inbox inbox() {
        return inbox;
    }

    private Response lookup(String path) {
        String[] parts = path.split("/", -1);
        if (parts.length == 3) {
            var json = JsonNodeFactory.instance;
            switch (parts[1]) {
                case "details", "details-fallback" -> {
                    long id = id(parts[2]);
                    var list = json.arrayNode();
                    data.detail(id, parts[1].equals("details-fallback")).ifPresent(list::add);
                    return Response.json(200, json.objectNode().set("data", list));
                }
                case "optional" -> {
                    id(parts[2]);
                    return Response.error(400, "not available for this record");
                }
                case "lots" -> {
                    return data.lot(parts[2]).map(lot -> Response.json(200, lot)).orElseGet(() -> Response.error(404,
                            "no lot '" + parts[2] + "'; lots are " + DemoData.lotName(0) + " to " + DemoData.lotName(DemoData.LOTS - 1)));
                }
                default -> { }
            }
        }
        return Response.error(404, "no such path " + path + "; the endpoints are listed in the DemoApi javadoc");
    }

    private long id(String text) {
        if (!text.matches("\\d{1,18}"))
            throw new Response.BadRequest("the id must be a whole number, got '" + text + "'");
        long id = Long.parseLong(text);
        if (id < 1 || id > data.count())
            throw new Response.BadRequest("the id must be 1 to " + data.count() + ", got " + id);
        return id;
    }

    /** Sends the answer, misbehaving as the fault (if any) says. */
    private void send(HttpExchange exchange, Response answer, Fault fault) throws IOException {
        Fault.Kind kind = fault == null ? null : fault.kind();
        byte[] body = answer.body();
        if (kind == Fault.Kind.MALFORMED) {
            // A stray character before the closing bracket: invalid JSON whatever the body holds.
            body = Arrays.copyOf(body, body.length + 1);
            body[body.length - 1] = body[body.length - 2];
            body[body.length - 2] = '!';
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        answer.headers().forEach(headers::set);
        tally.answered(answer.status());
        answering(exchange);
        exchange.sendResponseHeaders(answer.status(), body.length);
        OutputStream out = exchange.getResponseBody();
        if (kind == Fault.Kind.TRUNCATED) {
            out.write(body, 0, body.length / 2);
            out.flush();
            // Escaping the handler with the body unfinished makes the JDK server close the connection.
            throw new IOException("body truncated on purpose by a fault");
        }
        if (kind == Fault.Kind.SLOW_BODY) {
            for (int i = 0; i < SLOW_CHUNKS; i++) {
                pause(fault.duration());
                out.write(body, body.length * i / SLOW_CHUNKS, body.length * (i + 1) / SLOW_CHUNKS - body.length * i / SLOW_CHUNKS);
                out.flush();
            }
        } else {
            out.write(body);
        }
        exchange.close();
    }

    private Instant retryDate(Duration wait) {
        Instant at = options.clock().instant().plus(wait);
        Instant whole = at.truncatedTo(ChronoUnit.SECONDS);
        return whole.equals(at) ? whole : whole.plusSeconds(1);
    }

    private static long ceilSeconds(Duration d) {
        return d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
    }

    private static void pause(Duration d) throws IOException {
        if (d.isZero())
            return;
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the demo API is stopping");
        }
    }

    /** The path as counted in {@link DemoStats}: ids and lots replaced by {@code {id}} and {@code {lot}}. */
    static String template(String path) {
        if (path.startsWith("/production-records/"))
            return MasterControlRoutes.template(path);
        int slash = path.indexOf('/', 1);
        if (slash < 0 || path.indexOf('/', slash + 1) >= 0)
            return path;
        return switch (path.substring(0, slash)) {
            case "/details", "/details-fallback", "/optional" -> path.substring(0, slash) + "/{id}";
            case "/lots" -> "/lots/{lot}";
            case "/inbox" -> "/inbox/{name}";
            default -> path;
        };
    }
}
