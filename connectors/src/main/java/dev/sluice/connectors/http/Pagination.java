package dev.sluice.connectors.http;

import dev.sluice.core.config.ConfigObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How the pages of one window (of an HTTP source) or of one request (of a dependent-request step or one
 * of its fallbacks) follow each other ({@code pagination:}), and when there are no more pages.
 *
 * @param param the query parameter that carries the page number, offset or cursor
 * @param sizeParam the query parameter that carries the page size (none if empty)
 * @param from where the next cursor or link is read in the body (cursor, next_link)
 */
record Pagination(Style style, String param, String sizeParam, long size, long first, Optional<RecordSelector> from,
                  Optional<RecordSelector> total, Optional<RecordSelector> hasMore, Set<Stop> stops, int maxPages) {

    enum Style {
        NONE, PAGE_NUMBER, OFFSET, CURSOR, NEXT_LINK, LINK_HEADER;

        boolean followsLinks() {
            return this == NEXT_LINK || this == LINK_HEADER;
        }
    }

    enum Stop { EMPTY_PAGE, SHORT_PAGE, MISSING_NEXT, TOTAL, HAS_MORE }

    static final int DEFAULT_MAX_PAGES = 100_000;

    static Pagination none() {
        return new Pagination(Style.NONE, "", "", 0, 0, Optional.empty(), Optional.empty(), Optional.empty(), Set.of(), 1);
    }

    /**
     * Reads {@code pagination:} of {@code owner}; problems are reported and a usable value is returned anyway.
     * {@code unit} is what is paged, for messages: "window" in a source, "request" in a step.
     */
    static Pagination bind(ConfigObject owner, String unit) {
        Optional<ConfigObject> node = owner.object("pagination");
        if (node.isEmpty())
            return none();
        ConfigObject p = node.get();
        Style style = p.choice("type", Style.class).orElse(Style.NONE);
        if (!p.has("type"))
            p.problem("missing required key 'type'; use one of: none, page_number, offset, cursor, next_link, link_header");
        long size = p.integer("size", 1, 1_000_000).orElse(100L);
        int maxPages = p.integer("max_pages", 1, Integer.MAX_VALUE).orElse((long) DEFAULT_MAX_PAGES).intValue();
        Optional<RecordSelector> total = selector(p, "total");
        Optional<RecordSelector> hasMore = selector(p, "has_more");
        Optional<RecordSelector> from = Optional.empty();
        String param = "", sizeParam = "";
        long first = 0;
        switch (style) {
            case PAGE_NUMBER -> {
                param = p.string("param").orElse("page");
                sizeParam = p.string("size_param").orElse("size");
                first = p.integer("first", 0, 1).orElse(1L);
            }
            case OFFSET -> {
                param = p.string("param").orElse("offset");
                sizeParam = p.string("size_param").orElse("limit");
            }
            case CURSOR -> {
                param = p.string("param").orElse("cursor");
                sizeParam = p.string("size_param").orElse("limit");
                from = selector(p, "from");
                if (!p.has("from"))
                    p.problem("a cursor pagination needs from: the JSONPath of the next cursor in the answer, e.g. from: $.next_cursor");
            }
            case NEXT_LINK -> {
                sizeParam = p.string("size_param").orElse("limit");
                from = selector(p, "from");
                if (!p.has("from"))
                    p.problem("a next_link pagination needs from: the JSONPath of the next page's URL in the answer, e.g. from: $.links.next");
            }
            case LINK_HEADER -> sizeParam = p.string("size_param").orElse("limit");
            case NONE -> { }
        }
        if (p.has("size_param") && p.string("size_param").orElse("").isEmpty())
            sizeParam = "";
        Set<Stop> stops = EnumSet.noneOf(Stop.class);
        Optional<List<String>> stopList = p.strings("stop");
        if (stopList.isPresent()) {
            for (String s : stopList.get()) {
                try {
                    stops.add(Stop.valueOf(s.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    p.problem("stop", "'" + s + "' is not a stop condition; use empty_page, short_page, missing_next, total or has_more");
                }
            }
        } else {
            switch (style) {
                case PAGE_NUMBER, OFFSET -> stops.add(Stop.EMPTY_PAGE);
                case CURSOR, NEXT_LINK, LINK_HEADER -> stops.add(Stop.MISSING_NEXT);
                case NONE -> { }
            }
            if (total.isPresent()) stops.add(Stop.TOTAL);
            if (hasMore.isPresent()) stops.add(Stop.HAS_MORE);
        }
        if (stops.contains(Stop.TOTAL) && total.isEmpty())
            p.problem("stop", "stopping on total needs total: the JSONPath of the total count of records, e.g. total: $.total");
        if (stops.contains(Stop.HAS_MORE) && hasMore.isEmpty())
            p.problem("stop", "stopping on has_more needs has_more: the JSONPath of the flag, e.g. has_more: $.has_more");
        if (stops.contains(Stop.MISSING_NEXT) && !(style == Style.CURSOR || style.followsLinks()))
            p.problem("stop", "missing_next applies to cursor, next_link and link_header pagination; use empty_page, short_page, total or has_more");
        if (stops.isEmpty() && style != Style.NONE)
            p.problem("stop", "give at least one stop condition, or every " + unit + " would read pages until max_pages");
        p.finish();
        return new Pagination(style, param, sizeParam, size, first, from, total, hasMore, Set.copyOf(stops), maxPages);
    }

    private static Optional<RecordSelector> selector(ConfigObject p, String key) {
        return p.string(key).flatMap(text -> RecordSelector.parse(text, m -> p.problem(key, m)));
    }
}
