package dev.sluice.testkit.demo;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Checks credentials on data endpoints and answers the open {@code POST /oauth/token} and {@code POST /login}.
 * No message ever contains a credential, whether right or wrong.
 */
final class Access {
    private static final String REALM = "realm=\"demo-api\"";
    private static final int MAX_BODY = 64 * 1024;
    private final DemoApiOptions options;
    private final Tally tally;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();

    Access(DemoApiOptions options, Tally tally) {
        this.options = options;
        this.tally = tally;
    }

    /** Empty when the request may be answered, else the 401 to send. */
    Optional<Response> refusal(HttpExchange exchange, Query query) {
        Headers h = exchange.getRequestHeaders();
        Optional<String> bearer = scheme(h, "Bearer");
        boolean allowed = switch (options.auth()) {
            case NONE -> true;
            case BEARER -> bearer.filter(t -> t.equals(DemoApi.BEARER_TOKEN) || issued(t)).isPresent();
            case OAUTH2 -> bearer.filter(this::issued).isPresent();
            case API_KEY_HEADER -> DemoApi.API_KEY.equals(h.getFirst("X-API-Key"));
            case API_KEY_QUERY -> query.param("api_key").filter(DemoApi.API_KEY::equals).isPresent();
            case BASIC -> scheme(h, "Basic").map(Access::decodeBasic)
                    .filter(c -> c.equals(DemoApi.USERNAME + ":" + DemoApi.PASSWORD)).isPresent();
            case COOKIE -> cookie(h, "session").filter(sessions::contains).isPresent();
        };
        if (allowed)
            return Optional.empty();
        String challenge = switch (options.auth()) {
            case BEARER, OAUTH2 -> "Bearer " + REALM + (bearer.isPresent() ? ", error=\"invalid_token\"" : "");
            case API_KEY_HEADER -> "ApiKey " + REALM + ", header=\"X-API-Key\"";
            case API_KEY_QUERY -> "ApiKey " + REALM + ", query=\"api_key\"";
            case BASIC -> "Basic " + REALM + ", charset=\"UTF-8\"";
            case COOKIE, NONE -> "Session " + REALM + ", login=\"/login\"";
        };
        String what = switch (options.auth()) {
            case BEARER -> "a valid bearer token";
            case OAUTH2 -> "a valid access token from POST /oauth/token";
            case API_KEY_HEADER -> "a valid X-API-Key header";
            case API_KEY_QUERY -> "a valid api_key query parameter";
            case BASIC -> "valid basic credentials";
            case COOKIE, NONE -> "a session cookie from POST /login";
        };
        return Optional.of(Response.error(401, "this request needs " + what).withHeader("WWW-Authenticate", challenge));
    }

    /** {@code POST /oauth/token} with the client credentials grant (RFC 6749 section 4.4). */
    Response token(HttpExchange exchange) throws IOException {
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (!type.startsWith("application/x-www-form-urlencoded"))
            return oauthError(400, "invalid_request", "send the form as application/x-www-form-urlencoded");
        Map<String, String> form = Query.decode(body(exchange));
        if (!"client_credentials".equals(form.get("grant_type")))
            return oauthError(400, "unsupported_grant_type", "grant_type must be client_credentials");
        String client = scheme(exchange.getRequestHeaders(), "Basic").map(Access::decodeBasic)
                .orElse(form.get("client_id") + ":" + form.get("client_secret"));
        if (!client.equals(DemoApi.CLIENT_ID + ":" + DemoApi.CLIENT_SECRET))
            return oauthError(401, "invalid_client", "unknown client or wrong secret")
                    .withHeader("WWW-Authenticate", "Basic " + REALM);
        if (!Arrays.asList(form.getOrDefault("scope", "").split(" ")).contains(DemoApi.SCOPE))
            return oauthError(400, "invalid_scope", "scope must include " + DemoApi.SCOPE);
        if (options.audience().isPresent() && !options.audience().get().equals(form.get("audience")))
            return oauthError(400, "invalid_target", "audience must be " + options.audience().get());
        String token = randomToken();
        tokens.put(token, options.clock().instant().plus(options.tokenLifetime()));
        tally.tokensIssued.increment();
        var answer = JsonNodeFactory.instance.objectNode().put("access_token", token).put("token_type", "Bearer")
                .put("expires_in", options.tokenLifetime().toSeconds()).put("scope", form.get("scope"));
        return Response.json(200, answer).withHeader("Cache-Control", "no-store");
    }

    /** {@code POST /login} with {@code {"username": ..., "password": ...}}; answers a session cookie. */
    Response login(HttpExchange exchange) throws IOException {
        boolean known;
        try {
            JsonNode credentials = JsonMapper.shared().readTree(body(exchange));
            known = DemoApi.USERNAME.equals(credentials.path("username").asString(""))
                    && DemoApi.PASSWORD.equals(credentials.path("password").asString(""));
        } catch (JacksonException e) {
            return Response.error(400, "send {\"username\": ..., \"password\": ...} as JSON");
        }
        if (!known)
            return Response.error(401, "wrong username or password").withHeader("WWW-Authenticate", "Session " + REALM);
        String session = randomToken();
        sessions.add(session);
        tally.sessionsIssued.increment();
        return Response.json(200, JsonNodeFactory.instance.objectNode().put("logged_in", true))
                .withHeader("Set-Cookie", "session=" + session + "; Path=/; HttpOnly");
    }

    void expireAll() {
        tokens.clear();
        sessions.clear();
    }

    private boolean issued(String token) {
        Instant expiry = tokens.get(token);
        if (expiry == null)
            return false;
        if (options.clock().instant().isBefore(expiry))
            return true;
        tokens.remove(token);
        return false;
    }

    private String randomToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Response oauthError(int status, String code, String description) {
        var body = JsonNodeFactory.instance.objectNode().put("error", code).put("error_description", description);
        return Response.json(status, body);
    }

    /** The credentials after {@code Authorization: <scheme> }, if that is the scheme used. */
    private static Optional<String> scheme(Headers h, String scheme) {
        String value = h.getFirst("Authorization");
        if (value == null || !value.regionMatches(true, 0, scheme + " ", 0, scheme.length() + 1))
            return Optional.empty();
        return Optional.of(value.substring(scheme.length() + 1).strip());
    }

    private static String decodeBasic(String encoded) {
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static Optional<String> cookie(Headers h, String name) {
        return h.getOrDefault("Cookie", List.of()).stream()
                .flatMap(line -> Arrays.stream(line.split(";")))
                .map(String::strip)
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1))
                .findFirst();
    }

    private static String body(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readNBytes(MAX_BODY), StandardCharsets.UTF_8);
    }
}
