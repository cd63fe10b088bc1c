package dev.sluice.connectors.http;

import dev.sluice.connectors.http.HttpConnectionConfig.Breaker;
import dev.sluice.connectors.http.HttpConnectionConfig.RetryPolicy;
import dev.sluice.connectors.http.HttpConnectionConfig.Timeouts;
import dev.sluice.core.Secret;
import dev.sluice.core.config.ConfigObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one entry under {@code connections:}. Every bad value is reported with what would be valid and
 * replaced by its default, so that binding goes on and the loader reports all problems of the file at once.
 */
final class HttpConnectionBinding {
    enum AuthType { NONE, BEARER, API_KEY, BASIC, COOKIE, OAUTH2 }

    private static final URI PLACEHOLDER = URI.create("https://base-url.invalid/");
    // the JDK sets these itself and refuses them from callers
    static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private HttpConnectionBinding() {
    }

    static HttpConnection bind(ConfigObject c) {
        String name = c.path().substring(c.path().lastIndexOf('.') + 1);
        URI base = baseUrl(c);
        Map<String, String> headers = headers(c);
        Auth auth = c.object("auth").map(HttpConnectionBinding::auth).orElse(new Auth.None());
        Timeouts timeouts = c.object("timeouts").map(HttpConnectionBinding::timeouts).orElse(Timeouts.DEFAULT);
        RetryPolicy retry = c.object("retry").map(HttpConnectionBinding::retry).orElse(RetryPolicy.DEFAULT);
        Optional<Rate> rate = c.string("rate_limit").flatMap(v -> parsed(c, "rate_limit", () -> Rate.parse(v)));
        int concurrency = c.integer("concurrency", 1, 10_000).orElse((long) HttpConnectionConfig.DEFAULT_CONCURRENCY).intValue();
        Optional<Breaker> breaker = breaker(c);
        ByteSize maxBody = c.string("max_body").flatMap(v -> parsed(c, "max_body", () -> ByteSize.parse(v)))
                .orElse(HttpConnectionConfig.DEFAULT_MAX_BODY);
        List<URI> origins = c.strings("allow_origins").map(list -> origins(c, list)).orElse(List.of());
        Optional<Path> caFile = c.object("tls").flatMap(t -> {
            if (!t.has("ca_file"))
                t.problem("missing required key 'ca_file': a PEM file of the CA that signed the server's certificate, e.g. ca_file: certs/ca.pem");
            Optional<Path> f = t.file("ca_file");
            t.finish();
            return f;
        });
        c.finish();
        try {
            return new HttpConnection(name, new HttpConnectionConfig(base, headers, auth, timeouts, retry, rate, concurrency, breaker,
                    maxBody, origins, caFile));
        } catch (IllegalArgumentException e) { // each value was checked above; this is a safety net
            c.problem(e.getMessage());
            return new HttpConnection(name, HttpConnectionConfig.defaults(base));
        }
    }

    /** Whether a header's value is likely a credential, to be masked like one. */
    static boolean looksSecret(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.contains("auth") || h.contains("token") || h.contains("key") || h.contains("secret") || h.contains("cookie")
                || h.contains("session") || h.contains("password") || h.contains("signature") || h.contains("assertion");
    }

    private static URI baseUrl(ConfigObject c) {
        String text = c.required("base_url", "https://api.example.com/v1");
        if (text == null)
            return PLACEHOLDER;
        try {
            URI u = new URI(text.strip());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!Set.of("http", "https").contains(scheme) || u.getHost() == null) {
                c.problem("base_url", "'" + text + "' is not an http or https URL; write it like https://api.example.com/v1");
                return PLACEHOLDER;
            }
            if (u.getRawUserInfo() != null) {
                c.problem("base_url", "must not hold a user name or password; put credentials under auth:, e.g. auth: {type: basic, username: u, password: ${env:PASSWORD}}");
                return PLACEHOLDER;
            }
            if (u.getRawQuery() != null || u.getRawFragment() != null) {
                c.problem("base_url", "must not have a query or fragment; put query parameters on the request, and keep base_url to scheme, host and path");
                return PLACEHOLDER;
            }
            return u;
        } catch (URISyntaxException e) {
            c.problem("base_url", "'" + text + "' is not a URL (" + e.getReason() + "); write it like https://api.example.com/v1");
            return PLACEHOLDER;
        }
    }

    private static Map<String, String> headers(ConfigObject c) {
        var out = new LinkedHashMap<String, String>();
        c.stringMap("headers").orElse(Map.of()).forEach((name, value) -> {
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT)))
                c.problem("headers", "header '" + name + "' is set by the HTTP client itself and cannot be configured; remove it");
            else if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+"))
                c.problem("headers", "'" + name + "' is not a header name; use letters, digits and '-', e.g. X-Request-Source");
            else
                out.put(name, value);
        });
        return out;
    }

    private static Auth auth(ConfigObject a) {
        if (!a.has("type")) {
            a.problem("missing required key 'type', e.g. type: bearer; types: " + labels());
            a.keys(); // the other keys can't be judged without a type
            a.finish();
            return new Auth.None();
        }
        Optional<AuthType> type = a.choice("type", AuthType.class);
        if (type.isEmpty()) {
            a.keys();
            a.finish();
            return new Auth.None();
        }
        Auth auth = switch (type.get()) {
            case NONE -> new Auth.None();
            case BEARER -> new Auth.Bearer(secret(a, "token", "${env:API_TOKEN}"));
            case API_KEY -> {
                if (!a.has("in"))
                    a.problem("missing required key 'in': where the key goes, in: header or in: query");
                Auth.Place in = a.choice("in", Auth.Place.class).orElse(Auth.Place.HEADER);
                yield new Auth.ApiKey(in, required(a, "name", in == Auth.Place.QUERY ? "api_key" : "X-API-Key"), secret(a, "value", "${env:API_KEY}"));
            }
            case BASIC -> new Auth.Basic(required(a, "username", "reader"), secret(a, "password", "${env:API_PASSWORD}"));
            case COOKIE -> cookie(a);
            case OAUTH2 -> oauth2(a);
        };
        a.finish();
        return auth;
    }

    private static Auth cookie(ConfigObject a) {
        if (!a.has("login"))
            return new Auth.StaticCookie(required(a, "name", "session"), secret(a, "value", "${env:SESSION}"));
        if (a.has("value"))
            a.problem("value", "a cookie auth has either a static value or a login, not both; remove one");
        return a.object("login").map(l -> {
            String method = l.string("method").orElse("POST").toUpperCase(Locale.ROOT);
            if (!method.matches("[A-Z]+")) {
                l.problem("method", "'" + method + "' is not an HTTP method; write POST, PUT or GET");
                method = "POST";
            }
            String path = required(l, "path", "/login");
            Optional<JsonNode> body = l.json("body");
            var values = new ArrayList<Secret>();
            body.ifPresent(b -> textValues(b, values));
            l.finish();
            return (Auth) new Auth.CookieLogin(method, path, body.map(b -> new Secret(JsonMapper.shared().writeValueAsString(b))), values);
        }).orElse(new Auth.None());
    }

    private static void textValues(JsonNode node, List<Secret> out) {
        if (node.isString())
            out.add(new Secret(node.asString()));
        for (JsonNode child : node.values())
            textValues(child, out);
    }

    private static Auth oauth2(ConfigObject a) {
        URI tokenUrl = PLACEHOLDER;
        String text = a.required("token_url", "https://login.example.com/oauth2/token");
        if (text != null) {
            try {
                URI u = new URI(text.strip());
                if (u.getScheme() != null && Set.of("http", "https").contains(u.getScheme().toLowerCase(Locale.ROOT)) && u.getHost() != null)
                    tokenUrl = u;
                else
                    a.problem("token_url", "'" + text + "' is not an http or https URL; write it like https://login.example.com/oauth2/token");
            } catch (URISyntaxException e) {
                a.problem("token_url", "'" + text + "' is not a URL (" + e.getReason() + "); write it like https://login.example.com/oauth2/token");
            }
        }
        String clientId = required(a, "client_id", "sluice-reader");
        Secret clientSecret = secret(a, "client_secret", "${env:CLIENT_SECRET}");
        List<String> scopes = a.strings("scopes").orElse(List.of());
        Optional<String> audience = a.string("audience");
        Auth.ClientAuth clientAuth = a.choice("client_auth", Auth.ClientAuth.class).orElse(Auth.ClientAuth.BODY);
        Map<String, String> extra = a.stringMap("extra").orElse(Map.of());
        return new Auth.OAuth2(tokenUrl, clientId, clientSecret, scopes, audience, clientAuth, extra);
    }

    private static Timeouts timeouts(ConfigObject t) {
        var d = Timeouts.DEFAULT;
        var out = new Timeouts(positive(t, "connect", d.connect()), positive(t, "read", d.read()), positive(t, "total", d.total()));
        t.finish();
        return out;
    }

    private static RetryPolicy retry(ConfigObject r) {
        var d = RetryPolicy.DEFAULT;
        int maxAttempts = r.integer("max_attempts", 1, 100).orElse((long) d.maxAttempts()).intValue();
        Duration initial = positive(r, "initial_backoff", d.initialBackoff());
        Duration max = positive(r, "max_backoff", d.maxBackoff());
        if (initial.compareTo(max) > 0) {
            r.problem("initial_backoff", "initial_backoff " + HttpConnectionConfig.show(initial) + " is longer than max_backoff "
                    + HttpConnectionConfig.show(max) + "; make it shorter or raise max_backoff");
            initial = d.initialBackoff();
            max = d.maxBackoff();
        }
        double multiplier = number(r, "multiplier", d.multiplier(), 1, 100, "at least 1, e.g. multiplier: 2");
        double jitter = number(r, "jitter", d.jitter(), 0, Math.nextDown(1.0), "at least 0 and below 1, e.g. jitter: 0.5");
        Duration maxRetryAfter = positive(r, "max_retry_after", d.maxRetryAfter());
        Set<Integer> onStatus = r.strings("on_status").map(list -> {
            var statuses = new LinkedHashSet<Integer>();
            for (String s : list) {
                if (s.strip().matches("[1-5]\\d\\d"))
                    statuses.add(Integer.parseInt(s.strip()));
                else
                    r.problem("on_status", "'" + s + "' is not an HTTP status; write statuses from 100 to 599, e.g. on_status: [429, 503]");
            }
            return (Set<Integer>) statuses;
        }).orElse(d.onStatus());
        r.finish();
        return new RetryPolicy(maxAttempts, initial, max, multiplier, jitter, maxRetryAfter, onStatus);
    }

    private static Optional<Breaker> breaker(ConfigObject c) {
        Optional<JsonNode> value = c.json("circuit_breaker");
        if (value.isEmpty())
            return Optional.of(Breaker.DEFAULT);
        JsonNode v = value.get();
        if (v.isBoolean() || v.isString()) {
            String word = v.asString().toLowerCase(Locale.ROOT);
            if (Set.of("off", "false", "no").contains(word))
                return Optional.empty();
            if (Set.of("on", "true", "yes").contains(word))
                return Optional.of(Breaker.DEFAULT);
        }
        if (!v.isObject()) {
            c.problem("circuit_breaker", "write circuit_breaker: off, or a mapping such as {failure_rate: 50, minimum_calls: 20, open_for: 30s}");
            return Optional.of(Breaker.DEFAULT);
        }
        return c.object("circuit_breaker").map(b -> {
            var d = Breaker.DEFAULT;
            var out = new Breaker(b.integer("failure_rate", 1, 100).orElse((long) d.failureRate()).intValue(),
                    b.integer("minimum_calls", 1, 10_000).orElse((long) d.minimumCalls()).intValue(),
                    positive(b, "open_for", d.openFor()));
            b.finish();
            return out;
        });
    }

    private static List<URI> origins(ConfigObject c, List<String> list) {
        var out = new ArrayList<URI>();
        for (String s : list) {
            try {
                URI u = new URI(s.strip());
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/")) && u.getRawQuery() == null
                        && u.getRawUserInfo() == null;
                if (Set.of("http", "https").contains(scheme) && u.getHost() != null && bare) {
                    out.add(u);
                    continue;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            c.problem("allow_origins", "'" + s + "' is not an origin; write a scheme and host, with a port when not the default and no path, "
                    + "e.g. https://cdn.example.com");
        }
        return out;
    }

    private static Duration positive(ConfigObject o, String key, Duration fallback) {
        Optional<Duration> d = o.duration(key);
        if (d.isPresent() && (d.get().isNegative() || d.get().isZero())) {
            o.problem(key, "must be more than 0, e.g. " + key + ": " + HttpConnectionConfig.show(fallback));
            return fallback;
        }
        return d.orElse(fallback);
    }

    private static double number(ConfigObject o, String key, double fallback, double min, double max, String valid) {
        Optional<String> text = o.string(key);
        if (text.isEmpty())
            return fallback;
        try {
            double v = Double.parseDouble(text.get().strip());
            if (v >= min && v <= max)
                return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        o.problem(key, "'" + text.get() + "' is not valid; write a number " + valid);
        return fallback;
    }

    private static String required(ConfigObject o, String key, String example) {
        String v = o.required(key, example);
        return v == null ? "" : v;
    }

    /** A required secret: wrapped at once, so that the value is never held as a plain string. */
    private static Secret secret(ConfigObject o, String key, String example) {
        return new Secret(required(o, key, example));
    }

    private static <T> Optional<T> parsed(ConfigObject c, String key, Supplier<T> parse) {
        try {
            return Optional.of(parse.get());
        } catch (IllegalArgumentException e) {
            c.problem(key, e.getMessage());
            return Optional.empty();
        }
    }

    private static String labels() {
        return String.join(", ", java.util.Arrays.stream(AuthType.values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
    }
}
