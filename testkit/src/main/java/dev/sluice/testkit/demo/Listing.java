package dev.sluice.testkit.demo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * The five pagination styles over one list: the records with {@code since <= updated_at < until} (or
 * {@code <= until} with {@code inclusive=true}), in id order. Records are spaced evenly, so the list is a range
 * of indexes {@code [lo, hi)} and a page is a sub-range of it.
 */
final class Listing {
    static final int DEFAULT_SIZE = 100;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final DemoData data;
    private final int maxPageSize;
    private final String base;

    Listing(DemoData data, int maxPageSize, String base) {
        this.data = data;
        this.maxPageSize = maxPageSize;
        this.base = base;
    }

    /** {@code ?page=N&size=M[&first=0|1]}: pages numbered from {@code first}, 1 unless said otherwise. */
    Response page(Query q) {
        Range r = range(q);
        long first = q.number("first", 1, 0);
        if (first > 1)
            throw new Response.BadRequest("first must be 0 or 1, got " + first);
        long size = size(q, "size");
        long page = q.number("page", first, first);
        long skip = page - first > r.size() / size ? r.size() : (page - first) * size;
        long from = r.lo + skip, to = Math.min(r.hi, from + size);
        ObjectNode body = JSON.objectNode();
        body.set("data", rows(from, to));
        body.put("page", page).put("size", size).put("total", r.size())
                .put("total_pages", Math.ceilDiv(r.size(), size)).put("has_more", to < r.hi);
        return Response.json(200, body);
    }

    /** {@code ?offset=O&limit=L}. */
    Response offset(Query q) {
        Range r = range(q);
        long offset = q.number("offset", 0, 0), limit = size(q, "limit");
        long from = r.lo + Math.min(offset, r.size()), to = Math.min(r.hi, from + limit);
        ObjectNode body = JSON.objectNode();
        body.set("items", rows(from, to));
        body.put("offset", offset).put("limit", limit).put("total", r.size());
        return Response.json(200, body);
    }

    /** {@code ?cursor=C&limit=L}: the cursor holds the filter and the position, so the next request needs nothing else. */
    Response cursor(Query q, boolean repeat) {
        Range r = q.param("cursor").map(this::decode).orElseGet(() -> range(q));
        long limit = size(q, "limit"), to = Math.min(r.hi, r.at + limit);
        ObjectNode body = JSON.objectNode();
        body.set("data", rows(r.at, to));
        String next = repeat ? encode(r) : to < r.hi ? encode(new Range(r.lo, r.hi, to)) : null;
        body.put("next_cursor", next);
        return Response.json(200, body);
    }

    /** {@code ?limit=L[&after=ID]}: the next page's URL in the body ({@code links.next}) or in a {@code Link} header. */
    Response link(Query q, boolean repeat, boolean inHeader) {
        Range r = range(q);
        long after = q.number("after", 0, 0), limit = size(q, "limit");
        // Ids are index + 1, so the first record after id `after` has index `after`.
        long from = Math.clamp(after, r.lo, r.hi), to = Math.min(r.hi, from + limit);
        ArrayNode records = rows(from, to);
        // Repeating answers the request's own URL, parameters in the same order, so even a naive guard sees it.
        String next = repeat ? url(q.path(), q.with("api_key", null))
                : to < r.hi ? url(q.path(), q.with("after", Long.toString(to))) : null;
        if (inHeader) {
            Response answer = Response.json(200, records);
            return next == null ? answer : answer.withHeader("Link", "<" + next + ">; rel=\"next\"");
        }
        ObjectNode body = JSON.objectNode();
        body.set("data", records);
        body.putObject("links").put("next", next);
        return Response.json(200, body);
    }

    /** Records with index in {@code [from, to)}, as their JSON text: the server never builds them as trees. */
    private ArrayNode rows(long from, long to) {
        ArrayNode rows = JSON.arrayNode();
        for (long i = from; i < to; i++)
            rows.addRawValue(new RawValue(data.json(i + 1)));
        return rows;
    }

    private String url(String path, String query) {
        return base + path + (query.isEmpty() ? "" : "?" + query);
    }

    private long size(Query q, String name) {
        return Math.min(q.number(name, DEFAULT_SIZE, 1), maxPageSize);
    }

    private Range range(Query q) {
        long lo = q.instant("since").map(data::indexAtOrAfter).orElse(0L);
        boolean inclusive = q.flag("inclusive");
        long hi = q.instant("until").map(t -> inclusive ? data.indexAfter(t) : data.indexAtOrAfter(t)).orElse(data.count());
        return new Range(lo, Math.max(lo, hi), lo);
    }

    private static String encode(Range r) {
        String text = "v1:" + r.lo + ":" + r.hi + ":" + r.at;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private Range decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
            if (parts.length == 4 && parts[0].equals("v1")) {
                var r = new Range(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]));
                if (0 <= r.lo && r.lo <= r.at && r.at <= r.hi && r.hi <= data.count())
                    return r;
            }
        } catch (IllegalArgumentException e) {
            // answered below: whatever is wrong with it, the client must send back a cursor it was given
        }
        throw new Response.BadRequest("invalid cursor; send back a next_cursor exactly as the previous page gave it");
    }

    /** Indexes {@code [lo, hi)} of the filtered list, and a position {@code at} in it. */
    private record Range(long lo, long hi, long at) {
        long size() {
            return hi - lo;
        }
    }
}
