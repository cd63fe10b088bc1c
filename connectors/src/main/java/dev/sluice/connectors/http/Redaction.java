package dev.sluice.connectors.http;

import dev.sluice.core.Secret;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps secrets out of what a connection says: every message, log line and excerpt passes through here.
 * It knows the secrets of the file and those fetched since (tokens, session cookies), because servers
 * echo credentials back in error bodies and URLs carry API keys.
 */
final class Redaction {
    static final String MASK = "***";
    private static final int EXCERPT = 300;
    // shorter values are too likely to occur in ordinary text; no real credential is this short
    private static final int SHORTEST_SECRET = 4;

    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private final Optional<String> queryKey;
    private final String origin;

    /**
     * @param queryKey the name of a query parameter whose value is a secret (an API key in the query)
     * @param origin the connection's own origin, whose URLs are shown as path and query alone
     */
    Redaction(List<Secret> secrets, Optional<String> queryKey, String origin) {
        secrets.forEach(this::add);
        this.queryKey = queryKey;
        this.origin = origin;
    }

    void add(Secret secret) {
        add(secret.value());
    }

    void add(String value) {
        if (value.length() < SHORTEST_SECRET)
            return;
        secrets.add(value);
        secrets.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
        secrets.add(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /** {@code text} with every known secret replaced by ***. */
    String scrub(String text) {
        if (text == null || text.isEmpty())
            return text;
        String out = text;
        // longest first, so that a secret containing another is masked whole
        for (String s : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList())
            out = out.replace(s, MASK);
        return out;
    }

    /** A URL fit for a message: the API key parameter's value and any known secret masked. */
    String url(URI uri) {
        return scrub(maskQueryKey(uri.toString()));
    }

    /** A URL as messages show it: path and query alone on the connection's own origin, whole elsewhere; secrets masked. */
    String shown(URI uri) {
        if (!HttpConnection.origin(uri).equals(origin))
            return url(uri);
        String s = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return scrub(maskQueryKey(s));
    }

    /** The start of a body as one line of at most 300 characters, secrets masked, for an error message. */
    String excerpt(byte[] body) {
        if (body.length == 0)
            return "(empty body)";
        String text = new String(body, 0, Math.min(body.length, 16 * 1024), StandardCharsets.UTF_8);
        String line = scrub(text).replaceAll("\\s+", " ").strip();
        return line.length() <= EXCERPT ? line : line.substring(0, EXCERPT - 1) + "…";
    }

    private String maskQueryKey(String url) {
        if (queryKey.isEmpty())
            return url;
        int q = url.indexOf('?');
        if (q < 0)
            return url;
        int hash = url.indexOf('#', q);
        String query = hash < 0 ? url.substring(q + 1) : url.substring(q + 1, hash);
        var out = new StringBuilder(url.substring(0, q + 1));
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            if (i > 0)
                out.append('&');
            int eq = pairs[i].indexOf('=');
            String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
            boolean masked = eq >= 0 && decoded(name).equals(queryKey.get());
            out.append(masked ? name + "=" + MASK : pairs[i]);
        }
        return out.append(hash < 0 ? "" : url.substring(hash)).toString();
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) { // a stray '%': compare it as written
            return name;
        }
    }
}
