package dev.sluice.connectors.http;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The auth of one open connection: the headers to send, and for OAuth2 and cookie logins the token or
 * session fetched on first use, shared by every call, fetched by one thread at a time, and dropped on a 401.
 */
final class Credentials {
    /** The headers that prove who we are, as fetched at one moment. */
    static final class Grant {
        private final Map<String, String> headers;
        private final long expiresAtNanos;

        Grant(Map<String, String> headers, long expiresAtNanos) {
            this.headers = Map.copyOf(headers);
            this.expiresAtNanos = expiresAtNanos;
        }

        Map<String, String> headers() {
            return headers;
        }

        boolean fresh() {
            return System.nanoTime() - expiresAtNanos < 0;
        }

        @Override
        public String toString() {
            return "Grant[" + headers.keySet() + "=***]";
        }
    }

    private static final long NEVER = Long.MAX_VALUE / 2;
    private static final Duration SKEW = Duration.ofSeconds(30);

    private final String connection;
    private final Auth auth;
    private final Redaction redaction;
    private final Counters counters;
    private final Exchanger exchanger;
    private final Function<String, URI> resolve;
    private final Duration lockWait;
    private final ReentrantLock fetching = new ReentrantLock();
    private final AtomicReference<Grant> current = new AtomicReference<>();

    /**
     * @param exchanger sends the token and login requests: with the connection's client, timeouts and body
     *     cap, but not through its retry, rate limit or circuit breaker
     * @param resolve how the login path becomes a URL
     */
    Credentials(String connection, Auth auth, Redaction redaction, Counters counters, Exchanger exchanger, Function<String, URI> resolve,
                Duration lockWait) {
        this.connection = connection;
        this.auth = auth;
        this.redaction = redaction;
        this.counters = counters;
        this.exchanger = exchanger;
        this.resolve = resolve;
        this.lockWait = lockWait;
        if (!renewable())
            current.set(new Grant(fixedHeaders(), System.nanoTime() + NEVER));
    }

    /** Whether a 401 may be cured by fetching a new token or session once. */
    boolean renewable() {
        return auth instanceof Auth.OAuth2 || auth instanceof Auth.CookieLogin;
    }

    /** {@code uri} with the API key added to its query, when the key goes there. */
    URI withQueryKey(URI uri) {
        if (!(auth instanceof Auth.ApiKey k) || k.in() != Auth.Place.QUERY)
            return uri;
        String param = HttpConnection.encode(k.name()) + "=" + HttpConnection.encode(k.value().value());
        String s = uri.toString();
        int hash = s.indexOf('#');
        String head = hash < 0 ? s : s.substring(0, hash);
        return URI.create(head + (uri.getRawQuery() == null ? "?" : "&") + param + (hash < 0 ? "" : s.substring(hash)));
    }

    /** The credentials to send now, fetching them first when there are none or they expired. */
    Grant grant() throws Transient {
        Grant g = current.get();
        if (g != null && g.fresh())
            return g;
        try {
            // one thread fetches while the others wait for its result, so a burst of calls costs one token
            if (!fetching.tryLock(lockWait.toNanos(), TimeUnit.NANOSECONDS))
                throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, "connection '" + connection + "': waited "
                        + HttpConnectionConfig.show(lockWait) + " for another call to fetch credentials; the window was not committed; "
                        + "the next run retries it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.RUN_INTERRUPTED, "connection '" + connection + "': interrupted while waiting for credentials", e);
        }
        try {
            g = current.get();
            if (g != null && g.fresh())
                return g;
            g = auth instanceof Auth.OAuth2 o ? fetchToken(o) : login((Auth.CookieLogin) auth);
            current.set(g);
            return g;
        } finally {
            fetching.unlock();
        }
    }

    /** Forgets {@code used} after the server refused it, unless another call already replaced it. */
    void drop(Grant used) {
        if (renewable())
            current.compareAndSet(used, null);
    }

    private Map<String, String> fixedHeaders() {
        return switch (auth) {
            case Auth.Bearer b -> Map.of("Authorization", "Bearer " + b.token().value());
            case Auth.ApiKey k when k.in() == Auth.Place.HEADER -> Map.of(k.name(), k.value().value());
            case Auth.Basic b -> Map.of("Authorization", "Basic " + Auth.basic(b.username(), b.password().value()).value());
            case Auth.StaticCookie c -> Map.of("Cookie", c.name() + "=" + c.value().value());
            default -> Map.of();
        };
    }

    private Grant fetchToken(Auth.OAuth2 o) throws Transient {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "client_credentials");
        if (o.clientAuth() == Auth.ClientAuth.BODY) {
            form.put("client_id", o.clientId());
            form.put("client_secret", o.clientSecret().value());
        }
        if (!o.scopes().isEmpty())
            form.put("scope", String.join(" ", o.scopes()));
        o.audience().ifPresent(a -> form.put("audience", a));
        form.putAll(o.extra());
        var body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(HttpConnection.encode(k) + "=" + HttpConnection.encode(v)));
        var request = exchanger.request(o.tokenUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(BodyPublishers.ofString(body.toString()));
        if (o.clientAuth() == Auth.ClientAuth.BASIC) // RFC 6749 2.3.1: both parts form-encoded before base64
            request.header("Authorization", "Basic " + Auth.basic(HttpConnection.encode(o.clientId()), HttpConnection.encode(o.clientSecret().value())).value());
        counters.tokenFetches.increment();
        String where = "connection '" + connection + "': the token endpoint " + redaction.shown(o.tokenUrl());
        Received r = exchanger.exchange(request.build(), "auth", "POST " + redaction.shown(o.tokenUrl()));
        if (!r.ok())
            throw new SluiceException(ErrorCode.SOURCE_AUTH_FAILED, where + " answered " + r.status() + " for client '" + o.clientId() + "' ("
                    + redaction.excerpt(r.body()) + "); check auth.client_id, auth.client_secret and auth.scopes of connections." + connection);
        JsonNode json;
        try {
            json = JsonMapper.shared().readTree(r.body());
        } catch (JacksonException e) {
            json = null;
        }
        JsonNode token = json == null ? null : json.get("access_token");
        if (token == null || !token.isString() || token.asString().isEmpty())
            throw new SluiceException(ErrorCode.SOURCE_AUTH_FAILED, where + " answered " + r.status() + " without an access_token ("
                    + redaction.excerpt(r.body()) + "); check auth.token_url of connections." + connection);
        redaction.add(token.asString());
        JsonNode expiresIn = json.get("expires_in");
        long expires = NEVER;
        if (expiresIn != null && (expiresIn.isNumber() || expiresIn.isString()) && expiresIn.asString().matches("\\d+")) {
            Duration life = Duration.ofSeconds(Long.parseLong(expiresIn.asString()));
            // renew a little early so that a token does not expire between check and use
            Duration skew = life.dividedBy(2).compareTo(SKEW) < 0 ? life.dividedBy(2) : SKEW;
            expires = System.nanoTime() + life.minus(skew).toNanos();
        }
        return new Grant(Map.of("Authorization", "Bearer " + token.asString()), expires);
    }

    private Grant login(Auth.CookieLogin l) throws Transient {
        URI uri = resolve.apply(l.path());
        var request = exchanger.request(uri).method(l.method(), l.body()
                .map(b -> BodyPublishers.ofString(b.value())).orElse(BodyPublishers.noBody()));
        if (l.body().isPresent())
            request.header("Content-Type", "application/json");
        counters.logins.increment();
        String where = "connection '" + connection + "': the login " + l.method() + " " + redaction.shown(uri);
        Received r = exchanger.exchange(request.build(), "auth", l.method() + " " + redaction.shown(uri));
        if (!r.ok())
            throw new SluiceException(ErrorCode.SOURCE_AUTH_FAILED, where + " answered " + r.status() + " (" + redaction.excerpt(r.body())
                    + "); check auth.login of connections." + connection);
        var cookies = new StringJoiner("; ");
        for (String header : r.headers().allValues("set-cookie")) {
            try {
                for (HttpCookie c : HttpCookie.parse(header)) {
                    if (c.getMaxAge() == 0) // the server deletes this cookie
                        continue;
                    redaction.add(c.getValue());
                    cookies.add(c.getName() + "=" + c.getValue());
                }
            } catch (IllegalArgumentException e) {
                // a malformed Set-Cookie is skipped; the check below says so if nothing usable remains
            }
        }
        if (cookies.length() == 0)
            throw new SluiceException(ErrorCode.SOURCE_AUTH_FAILED, where + " answered " + r.status()
                    + " but set no cookie; check auth.login.path of connections." + connection);
        return new Grant(Map.of("Cookie", cookies.toString()), System.nanoTime() + NEVER);
    }

    static Optional<String> queryKeyName(Auth auth) {
        return auth instanceof Auth.ApiKey k && k.in() == Auth.Place.QUERY ? Optional.of(k.name()) : Optional.empty();
    }
}
