package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.ConnectionStats;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.exception.AcquirePermissionCancelledException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.event.RetryOnRetryEvent;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A named HTTP connection of a pipeline ({@code connections: NAME:}), shared by the HTTP source and every
 * dependent-request step that names it, so that they share one rate limit, one concurrency limit, one
 * circuit breaker and one token. Every call gets timeouts, retries with backoff that honour Retry-After,
 * auth, and a body cap; no message or log line it produces holds a secret.
 *
 * <p>Thread-safe: {@link #send} is called concurrently from many virtual threads. {@link #open()} and
 * {@link #close()} are counted, so each user opens and closes it once.
 */
public final class HttpConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
    /** The longest wait for a rate-limit permit or a concurrency slot: generous, but not forever. */
    private static final Duration SLOT_WAIT = Duration.ofMinutes(10);
    static final String NOT_COMMITTED = "the window was not committed; the next run retries it";

    private final String name;
    private final HttpConnectionConfig config;
    private final Redaction redaction;
    private final Counters counters = new Counters();
    private final RetryConfig retryConfig;
    private final Optional<CircuitBreaker> breaker;
    private final Optional<RateLimiter> rateLimiter;
    private final Bulkhead bulkhead;
    private final Set<String> allowedOrigins;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private int opened;
    private volatile Session session;

    /** What exists while the connection is open. */
    private record Session(Exchanger exchanger, Credentials credentials) {
    }

    HttpConnection(String name, HttpConnectionConfig config) {
        this.name = requireNonNull(name, "name is null");
        this.config = requireNonNull(config, "config is null");
        this.redaction = new Redaction(config.auth().secrets(), Credentials.queryKeyName(config.auth()), origin(config.baseUrl()));
        config.headers().forEach((header, value) -> {
            if (HttpConnectionBinding.looksSecret(header))
                redaction.add(value);
        });
        var retry = config.retry();
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(retry.initialBackoff(), retry.multiplier(), retry.jitter(),
                retry.maxBackoff());
        IntervalBiFunction<Received> interval = (attempt, outcome) -> {
            long wait = backoff.apply(attempt);
            if (outcome.isLeft() && outcome.getLeft() instanceof Transient t && t.retryAfter().isPresent())
                wait = Math.max(wait, t.retryAfter().get().toMillis()); // the server knows best when it can take more
            return wait;
        };
        this.retryConfig = RetryConfig.<Received>custom()
                .maxAttempts(retry.maxAttempts())
                .intervalBiFunction(interval)
                .retryOnException(e -> e instanceof Transient)
                .failAfterMaxAttempts(false)
                .build();
        this.breaker = config.circuitBreaker().map(b -> CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.minimumCalls())
                .minimumNumberOfCalls(b.minimumCalls())
                .failureRateThreshold(b.failureRate())
                .waitDurationInOpenState(b.openFor())
                .permittedNumberOfCallsInHalfOpenState(Math.min(3, b.minimumCalls()))
                .build()));
        this.rateLimiter = config.rateLimit().map(r -> RateLimiter.of(name, RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(r.interval())
                .timeoutDuration(SLOT_WAIT)
                .build()));
        this.bulkhead = Bulkhead.of(name, BulkheadConfig.custom()
                .maxConcurrentCalls(config.concurrency())
                .maxWaitDuration(SLOT_WAIT)
                .build());
        this.allowedOrigins = config.allowOrigins().stream().map(HttpConnection::origin).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Binds the entry {@code connections.NAME} of a pipeline file. Reports every problem to the file and
     * returns a connection anyway (with defaults in place of bad values), so that binding goes on; the loader
     * fails the file. Does no I/O: a tls.ca_file is read by {@link #open()}.
     */
    public static HttpConnection bind(ConfigObject entry) {
        return HttpConnectionBinding.bind(entry);
    }

    public String name() {
        return name;
    }

    public URI baseUrl() {
        return config.baseUrl();
    }

    HttpConnectionConfig config() {
        return config;
    }

    /** Opens the connection for one more user; the first builds the HTTP client. */
    public void open() {
        lifecycle.lock();
        try {
            if (opened == 0)
                session = newSession();
            opened++;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Closes the connection for one user; the last releases the HTTP client. */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (opened == 0 || --opened > 0)
                return;
            Session s = session;
            session = null;
            s.exchanger().close();
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Sends {@code call}, with retries, and returns a 2xx answer or one whose status the call declared empty.
     * Retries apply to every method, POST included: a call that would do harm if the server got it twice
     * must carry what lets the server tell, as the HTTP sink's idempotency key does.
     *
     * @throws SluiceException SOURCE_UNAVAILABLE when retries are exhausted, a Retry-After is too long or the
     *     circuit breaker is open; SOURCE_AUTH_FAILED on 401 or 403 (after one new token or login, where that
     *     exists) or when credentials cannot be fetched; SOURCE_REJECTED on another 4xx or a URL the connection
     *     may not follow; SOURCE_INVALID_DATA when the body is larger than max_body
     * @throws IllegalStateException when the connection is not open
     */
    public HttpAnswer send(HttpCall call) {
        requireNonNull(call, "call is null");
        Session s = session;
        if (s == null)
            throw new IllegalStateException("connection '" + name + "' is not open; open() it before send()");
        counters.calls.increment();
        URI uri = withQuery(resolve(call.pathOrUrl()), call.query());
        var sending = new Sending(call, uri, s, call.method().toUpperCase(Locale.ROOT) + " " + redaction.shown(uri));
        if (!mayFollow(uri))
            throw new SluiceException(ErrorCode.SOURCE_REJECTED, sending.where() + " is not sent: it is on another origin than base_url "
                    + config.baseUrl() + "; to follow it, add " + origin(uri) + " to connections." + name + ".allow_origins");
        Received r = retried(sending);
        if (r.status() == 401 && !call.emptyStatuses().contains(401) && s.credentials().renewable()) {
            // the token or session may have ended early (revoked, server restarted): fetch a new one, once
            s.credentials().drop(sending.grant);
            r = retried(sending);
            sending.renewed = true;
        }
        return answer(sending, r);
    }

    /**
     * {@code pathOrUrl} as a URL: a path is put under base_url's path (so {@code orders} and {@code /orders}
     * on {@code https://h/v1} both give {@code https://h/v1/orders}); an absolute URL is kept. Links found in
     * an answer are references relative to it: resolve them with {@code answer.uri().resolve(link)} instead.
     */
    public URI resolve(String pathOrUrl) {
        requireNonNull(pathOrUrl, "pathOrUrl is null");
        String text = lenient(pathOrUrl.strip());
        URI ref;
        try {
            ref = new URI(text);
        } catch (URISyntaxException e) {
            throw new SluiceException(ErrorCode.SOURCE_REJECTED, "connection '" + name + "': '" + redaction.scrub(pathOrUrl)
                    + "' is not a path or URL (" + e.getReason() + ")");
        }
        URI base = config.baseUrl();
        if (ref.getScheme() == null && ref.getRawAuthority() != null) // //host/path takes the scheme of base_url
            return resolve(base.getScheme() + ":" + text);
        String query = ref.getRawQuery() == null ? "" : "?" + ref.getRawQuery();
        if (ref.isAbsolute()) {
            if (!Set.of("http", "https").contains(ref.getScheme().toLowerCase(Locale.ROOT)) || ref.getHost() == null)
                throw new SluiceException(ErrorCode.SOURCE_REJECTED, "connection '" + name + "': '" + redaction.url(ref)
                        + "' is not an http or https URL");
            return URI.create(ref.getScheme() + "://" + ref.getRawAuthority() + nonEmpty(ref.getRawPath()) + query);
        }
        String basePath = nonEmpty(base.getRawPath());
        String path = ref.getRawPath() == null ? "" : ref.getRawPath();
        String joined = path.isEmpty() ? basePath
                : (basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath) + (path.startsWith("/") ? "" : "/") + path;
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + joined + query);
    }

    /** Whether a call may go to {@code absolute}: the origin of base_url, or one listed in allow_origins. */
    public boolean mayFollow(URI absolute) {
        requireNonNull(absolute, "absolute is null");
        if (!absolute.isAbsolute())
            return true; // resolved against base_url
        String o = origin(absolute);
        return o.equals(origin(config.baseUrl())) || allowedOrigins.contains(o);
    }

    public HttpStats stats() {
        return counters.snapshot(breaker.map(b -> switch (b.getState()) {
            case OPEN, FORCED_OPEN -> HttpStats.Circuit.OPEN;
            case HALF_OPEN -> HttpStats.Circuit.HALF_OPEN;
            case DISABLED, METRICS_ONLY -> HttpStats.Circuit.DISABLED;
            default -> HttpStats.Circuit.CLOSED;
        }).orElse(HttpStats.Circuit.DISABLED));
    }

    /** The same snapshot in the form a service's metrics read. */
    public ConnectionStats observed() {
        HttpStats s = stats();
        return new ConnectionStats(name, s.calls(), s.retries(), s.responsesByStatus(),
                s.circuit().name().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "HttpConnection[" + name + " " + config.baseUrl() + "]";
    }

    /** One call being sent: what messages say about it, and how far it got. Used by one thread. */
    private final class Sending {
        final HttpCall call;
        final URI uri;
        final Session session;
        final String request;
        int round;
        int total;
        boolean renewed;
        Credentials.Grant grant;

        Sending(HttpCall call, URI uri, Session session, String request) {
            this.call = call;
            this.uri = uri;
            this.session = session;
            this.request = request;
        }

        /** The start of every message about this call: "connection 'api', source: GET /v1/orders". */
        String where() {
            return "connection '" + name + "', " + call.label() + ": " + request;
        }

        String attempt() {
            return "attempt " + round + " of " + config.retry().maxAttempts();
        }
    }

    private Received retried(Sending s) {
        Retry retry = Retry.of(name, retryConfig);
        retry.getEventPublisher().onRetry(e -> onRetry(s, e));
        s.round = 0;
        try {
            return retry.executeCallable(() -> once(s));
        } catch (Transient t) {
            if (Thread.currentThread().isInterrupted()) // the retry's wait was interrupted: it gives back the last failure
                throw new SluiceException(ErrorCode.RUN_INTERRUPTED, s.where() + " was interrupted while waiting to retry", t.getCause());
            throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, s.where() + " " + t.reason() + " on " + s.attempt() + "; " + NOT_COMMITTED,
                    t.getCause());
        } catch (SluiceException e) {
            throw e;
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted())
                throw new SluiceException(ErrorCode.RUN_INTERRUPTED, s.where() + " was interrupted while waiting to retry", e);
            throw new SluiceException(ErrorCode.INTERNAL, s.where() + " failed unexpectedly: " + e.getClass().getSimpleName(), e);
        }
    }

    private void onRetry(Sending s, RetryOnRetryEvent e) {
        counters.retries.increment();
        String failure = e.getLastThrowable() instanceof Transient t ? t.kind() : String.valueOf(e.getLastThrowable());
        String reason = e.getLastThrowable() instanceof Transient t && t.status() == 0 ? t.reason() : "answered " + failure;
        log.atWarn().addKeyValue("connection", name).addKeyValue("call", s.call.label()).addKeyValue("request", s.request)
                .addKeyValue("failure", failure).addKeyValue("attempt", e.getNumberOfRetryAttempts())
                .addKeyValue("max_attempts", config.retry().maxAttempts()).addKeyValue("wait_ms", e.getWaitInterval().toMillis())
                .log("{} {} on {}; retrying in {}", s.where(), reason, s.attempt(), HttpConnectionConfig.show(e.getWaitInterval()));
    }

    /** One attempt; a status in retry.on_status becomes a {@link Transient}, for the retry to see. */
    private Received once(Sending s) throws Transient {
        s.round++;
        s.total++;
        counters.attempts.increment();
        Received r = guarded(s);
        counters.response(r.status());
        if (s.call.emptyStatuses().contains(r.status()) || !config.retry().onStatus().contains(r.status()))
            return r;
        Optional<Duration> after = RetryAfter.parse(r.headers().firstValue("retry-after"), Instant.now());
        Duration max = config.retry().maxRetryAfter();
        if (after.isPresent() && after.get().compareTo(max) > 0)
            throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, s.where() + " answered " + r.status() + " on " + s.attempt()
                    + " with Retry-After " + HttpConnectionConfig.show(after.get()) + ", longer than retry.max_retry_after "
                    + HttpConnectionConfig.show(max) + ", so it was not retried; " + NOT_COMMITTED + "; to wait that long, raise connections."
                    + name + ".retry.max_retry_after");
        throw Transient.status(r.status(), redaction.excerpt(r.body()), after);
    }

    /**
     * One HTTP request behind the circuit breaker, the concurrency limit and the rate limit, in that order.
     * The rate permit comes last so that the request leaves the moment it is granted: a permit taken before
     * waiting for a concurrency slot would let calls that waited for slots leave together, in a burst.
     */
    private Received guarded(Sending s) throws Transient {
        if (breaker.isPresent() && !breaker.get().tryAcquirePermission())
            throw circuitOpen(s, breaker.get());
        long start = System.nanoTime();
        boolean recorded = false;
        try {
            if (!enterBulkhead())
                throw waitedTooLong(s, "one of " + config.concurrency() + " concurrency slots", "raise concurrency");
            Received r;
            try {
                rateLimiter.ifPresent(limiter -> {
                    if (!limiter.acquirePermission())
                        throw waitedTooLong(s, "a permit of rate_limit " + config.rateLimit().orElseThrow(), "raise rate_limit");
                });
                s.grant = s.session.credentials().grant();
                counters.started();
                try {
                    r = s.session.exchanger().exchange(request(s), s.call.label(), s.request);
                } finally {
                    counters.ended();
                }
            } finally {
                bulkhead.onComplete();
            }
            recorded = true;
            long took = System.nanoTime() - start;
            if (r.status() >= 500 || r.status() == 429)
                breaker.ifPresent(b -> b.onError(took, TimeUnit.NANOSECONDS, new IOException("answered " + r.status())));
            else
                breaker.ifPresent(b -> b.onSuccess(took, TimeUnit.NANOSECONDS));
            return r;
        } catch (Transient t) {
            recorded = true;
            long took = System.nanoTime() - start;
            breaker.ifPresent(b -> b.onError(took, TimeUnit.NANOSECONDS, t));
            throw t;
        } finally {
            if (!recorded) // neither a response nor an I/O failure: the breaker must not count it
                breaker.ifPresent(CircuitBreaker::releasePermission);
        }
    }

    /** Waits up to SLOT_WAIT for a slot; false when none came or the thread was interrupted. */
    private boolean enterBulkhead() {
        try {
            return bulkhead.tryAcquirePermission();
        } catch (AcquirePermissionCancelledException e) {
            return false;
        }
    }

    private SluiceException waitedTooLong(Sending s, String what, String fix) {
        if (Thread.currentThread().isInterrupted())
            return new SluiceException(ErrorCode.RUN_INTERRUPTED, s.where() + " was interrupted while waiting for " + what);
        return new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, s.where() + " could not get " + what + " within "
                + HttpConnectionConfig.show(SLOT_WAIT) + "; " + NOT_COMMITTED + "; " + fix + " of connections." + name
                + " or send fewer calls at once");
    }

    private SluiceException circuitOpen(Sending s, CircuitBreaker b) {
        var m = b.getMetrics();
        String state = b.getState() == CircuitBreaker.State.HALF_OPEN
                ? "circuit breaker half-open: its trial calls are still running"
                : "circuit breaker open after " + m.getNumberOfFailedCalls() + " failures in the last " + m.getNumberOfBufferedCalls()
                        + " calls; calls resume after " + HttpConnectionConfig.show(config.circuitBreaker().orElseThrow().openFor());
        return new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, s.where() + " was not sent: " + state + "; " + NOT_COMMITTED);
    }

    private HttpRequest request(Sending s) {
        URI uri = s.session.credentials().withQueryKey(s.uri);
        try {
            HttpRequest.Builder b = s.session.exchanger().request(uri);
            config.headers().forEach(b::setHeader);
            s.call.headers().forEach(b::setHeader);
            s.grant.headers().forEach(b::setHeader);
            Optional<HttpRequest.BodyPublisher> body = s.call.jsonBody()
                    .map(json -> BodyPublishers.ofByteArray(JsonMapper.shared().writeValueAsBytes(json)))
                    .or(() -> s.call.streamedBody().map(StreamedJson::publisher)); // read afresh for every attempt
            if (body.isPresent()) {
                boolean typed = config.headers().keySet().stream().anyMatch("content-type"::equalsIgnoreCase)
                        || s.call.headers().keySet().stream().anyMatch("content-type"::equalsIgnoreCase);
                if (!typed)
                    b.setHeader("Content-Type", "application/json");
                b.method(s.call.method().toUpperCase(Locale.ROOT), body.get());
            } else {
                b.method(s.call.method().toUpperCase(Locale.ROOT), BodyPublishers.noBody());
            }
            return b.build();
        } catch (IllegalArgumentException e) { // a header the JDK does not let callers set, such as Host
            throw new SluiceException(ErrorCode.CONFIG_INVALID, s.where() + " cannot be sent: " + redaction.scrub(e.getMessage()));
        }
    }

    private HttpAnswer answer(Sending s, Received r) {
        int status = r.status();
        if (s.call.emptyStatuses().contains(status)) {
            counters.declaredEmpty.increment();
            log.atWarn().addKeyValue("connection", name).addKeyValue("call", s.call.label()).addKeyValue("status", status)
                    .addKeyValue("request", s.request).log("{} answered {}, which the call declares empty", s.where(), status);
            return new HttpAnswer(status, r.uri(), r.headers(), r.body(), true, s.total);
        }
        if (r.ok())
            return new HttpAnswer(status, r.uri(), r.headers(), r.body(), false, s.total);
        String said = s.where() + " answered " + status + " (" + redaction.excerpt(r.body()) + ")";
        if (status == 401 || status == 403)
            throw new SluiceException(ErrorCode.SOURCE_AUTH_FAILED, said + (s.renewed ? " again after fetching new credentials" : "")
                    + "; check auth of connections." + name + " and what these credentials may read");
        if (status >= 500 || status == 429)
            throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, said + ", a status retry.on_status does not retry; " + NOT_COMMITTED);
        if (status >= 300 && status < 400)
            throw new SluiceException(ErrorCode.SOURCE_REJECTED, said + ", a redirect to '" + r.headers().firstValue("location")
                    .map(l -> redaction.scrub(l)).orElse("") + "'; redirects are not followed: set base_url or the path to where it points");
        throw new SluiceException(ErrorCode.SOURCE_REJECTED, said + "; the server refused the request: check its path, query and body");
    }

    private Session newSession() {
        var exchanger = new Exchanger(name, config, redaction);
        Duration lockWait = config.timeouts().total().plus(config.timeouts().connect()).multipliedBy(2);
        return new Session(exchanger, new Credentials(name, config.auth(), redaction, counters, exchanger, this::resolve, lockWait));
    }

    private static URI withQuery(URI uri, Map<String, String> query) {
        if (query.isEmpty())
            return uri;
        String params = query.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        return URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + params);
    }

    /** A query name or value, percent-encoded as RFC 3986 asks (a space is %20, not +). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** scheme://host:port, lower case, with the default port written out. */
    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        return scheme + "://" + (uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT)) + ":" + port;
    }

    /**
     * Percent-encodes what a URL cannot hold as written (spaces, non-ASCII, brackets outside the host, a '%'
     * that starts no escape), keeping every reserved character, so that a rendered path parses.
     */
    private static String lenient(String text) {
        int authorityEnd = -1;
        int scheme = text.indexOf("://");
        if (scheme > 0 && text.substring(0, scheme).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            authorityEnd = scheme + 3;
            while (authorityEnd < text.length() && "/?#".indexOf(text.charAt(authorityEnd)) < 0)
                authorityEnd++;
        }
        var out = new StringBuilder();
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            int c = text.codePointAt(i);
            boolean escape = c == '%' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0;
            boolean keep = c > 0x20 && c < 0x7f && (Character.isLetterOrDigit(c) || "-._~:/?#@!$&'()*+,;=".indexOf(c) >= 0
                    || escape || (i < authorityEnd && (c == '[' || c == ']')));
            if (keep)
                out.appendCodePoint(c);
            else
                for (byte b : Character.toString(c).getBytes(StandardCharsets.UTF_8))
                    out.append('%').append(String.format("%02X", b & 0xff));
        }
        return out.toString();
    }

    private static String nonEmpty(String path) {
        return path == null || path.isEmpty() ? "/" : path;
    }
}
