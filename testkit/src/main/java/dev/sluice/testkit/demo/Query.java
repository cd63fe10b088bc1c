package dev.sluice.testkit.demo;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The path and parameters of one request. When a parameter is repeated, the first value counts. */
record Query(String path, String rawQuery, Map<String, String> params) {
    Query {
        params = Map.copyOf(params);
    }

    static Query of(URI uri) {
        String raw = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        return new Query(uri.getPath(), raw, decode(raw));
    }

    /** Reads {@code a=1&b=2}, as in a query string or an {@code application/x-www-form-urlencoded} body. */
    static Map<String, String> decode(String raw) {
        var params = new LinkedHashMap<String, String>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty())
                continue;
            int eq = pair.indexOf('=');
            try {
                params.putIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new Response.BadRequest("bad percent-encoding in the query: " + e.getMessage());
            }
        }
        return params;
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    long number(String name, long otherwise, long min) {
        String text = params.get(name);
        if (text == null)
            return otherwise;
        try {
            long n = Long.parseLong(text);
            if (n >= min)
                return n;
        } catch (NumberFormatException e) {
            // answered below, with the same message as a number out of range
        }
        throw new Response.BadRequest(name + " must be a whole number >= " + min + ", got '" + text + "'");
    }

    boolean flag(String name) {
        return switch (params.getOrDefault(name, "false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Response.BadRequest(name + " must be true or false, got '" + params.get(name) + "'");
        };
    }

    /** An instant given as ISO-8601 (with Z or an offset), epoch seconds (up to 10 digits) or epoch milliseconds (13). */
    Optional<Instant> instant(String name) {
        return param(name).map(text -> {
            if (text.matches("\\d{1,10}"))
                return Instant.ofEpochSecond(Long.parseLong(text));
            if (text.matches("\\d{13}"))
                return Instant.ofEpochMilli(Long.parseLong(text));
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new Response.BadRequest(name + " must be an ISO-8601 instant like 2025-01-01T00:00:00Z, epoch "
                        + "seconds (up to 10 digits) or epoch milliseconds (13 digits), got '" + text + "'");
            }
        });
    }

    /**
     * This query with one parameter set (or only dropped, when value is null). The API key is always left out:
     * the server never echoes credentials, so a client adds its key to every request, followed links too.
     */
    String with(String name, String value) {
        String kept = Arrays.stream(rawQuery.split("&"))
                .filter(p -> !p.isEmpty() && !p.startsWith(name + "=") && !p.equals(name) && !p.startsWith("api_key="))
                .collect(Collectors.joining("&"));
        String added = value == null ? "" : name + "=" + value;
        return kept.isEmpty() || added.isEmpty() ? kept + added : kept + "&" + added;
    }
}
