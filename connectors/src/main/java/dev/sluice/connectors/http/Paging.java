package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.http.Pagination.Stop;
import dev.sluice.connectors.http.Pagination.Style;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pages of one templated request, as its {@code pagination:} says: the request of an HTTP source, or the
 * request or a fallback of a dependent-request step. For each page it builds the call (with the page
 * parameters, or with {@code {{ page.* }}} filled in where the request's templates use them), sends it, picks
 * the values out of the answer with {@code records:}, and works out where the next page starts and whether
 * there is one. A next link is followed only to an origin the connection allows. A {@link Walk} refuses a
 * position seen twice and more than {@code max_pages} pages, so that an API paging in a loop fails instead of
 * running forever.
 *
 * <p>The source reads one page per {@code read()} and keeps a Walk per window between them; a step reads every
 * page of a request at once with {@link #gather}. Thread-safe: a Paging holds no state of its own; a Walk is
 * used by one thread at a time.
 */
final class Paging {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");

    /**
     * What the errors of a walk tell the user to do, in the words of its owner.
     *
     * @param tooLong why there may be that many pages and what to change, after "the API may be paging in a loop, or "
     * @param notJson what became of the work, after "... is not valid JSON: REASON" (empty for nothing)
     */
    record Wording(String tooLong, String notJson) {
        static final Wording SOURCE = new Wording("the window is too big: raise source.pagination.max_pages or make windows.size smaller",
                "; the window was not committed and the next run reads it again");
        static final Wording STEP = new Wording("the answer is that long: raise pagination.max_pages of this request", "");

        Wording {
            requireNonNull(tooLong, "tooLong is null");
            requireNonNull(notJson, "notJson is null");
        }
    }

    /**
     * One page: the call that asked for it, its answer, the values {@code records:} selected (none when the
     * status was declared empty), and where the next page starts (empty on the last page).
     */
    record Fetched(HttpCall call, HttpAnswer answer, List<JsonNode> values, Optional<String> next) {
        Fetched {
            requireNonNull(call, "call is null");
            requireNonNull(answer, "answer is null");
            values = List.copyOf(values);
            requireNonNull(next, "next is null");
        }
    }

    /**
     * The values of every page of one request, in page order.
     *
     * @param declaredEmpty a page answered a status the request declares empty: the first (then there are no
     *     values), or a later one, where the pages ended
     */
    record Gathered(List<JsonNode> values, boolean declaredEmpty) {
        Gathered {
            values = List.copyOf(values);
        }
    }

    /**
     * How far one walk through pages has come: pages read, positions seen. Used by one thread at a time.
     * {@code subject} names what is being paged in errors, such as "window 2025-01-01T00:00Z/PT1H".
     */
    static final class Walk {
        private final String subject;
        private final Set<String> seen = new HashSet<>();
        private int pages;

        Walk(String subject) {
            this.subject = requireNonNull(subject, "subject is null");
        }
    }

    private final HttpConnection connection;
    private final RequestSpec request;
    private final Pagination pagination;
    private final RecordSelector records;
    private final Template.TimeFormat time;
    private final Wording wording;
    private final boolean pageInTemplates;

    Paging(HttpConnection connection, RequestSpec request, Pagination pagination, RecordSelector records, Template.TimeFormat time,
           Wording wording) {
        this.connection = requireNonNull(connection, "connection is null");
        this.request = requireNonNull(request, "request is null");
        this.pagination = requireNonNull(pagination, "pagination is null");
        this.records = requireNonNull(records, "records is null");
        this.time = requireNonNull(time, "time is null");
        this.wording = requireNonNull(wording, "wording is null");
        this.pageInTemplates = request.uses("page");
    }

    /**
     * The call for the page at {@code after} (empty: the first page). {@code scope} gives the values of
     * {@code window.*} and {@code record.*}; {@code page.*} comes from here. A followed link is a GET of the link
     * with the request's headers.
     */
    HttpCall call(Template.Scope scope, Optional<String> after, String label) {
        Template.Scope paged = paged(scope, after);
        if (after.isPresent() && pagination.style().followsLinks()) {
            var headers = new LinkedHashMap<String, String>();
            request.headers().forEach((k, t) -> headers.put(k, t.render(paged, time, false)));
            return new HttpCall("GET", after.get(), Map.of(), headers, Optional.empty(), request.emptyStatuses(), label);
        }
        var extra = new LinkedHashMap<String, String>();
        if (!pageInTemplates) {
            switch (pagination.style()) {
                case PAGE_NUMBER -> extra.put(pagination.param(), after.orElse(Long.toString(pagination.first())));
                case OFFSET -> extra.put(pagination.param(), after.orElse("0"));
                case CURSOR -> after.ifPresent(c -> extra.put(pagination.param(), c));
                default -> { }
            }
            if (pagination.style() != Style.NONE && !pagination.sizeParam().isEmpty())
                extra.put(pagination.sizeParam(), Long.toString(pagination.size()));
        }
        return request.render(paged, time, extra, label);
    }

    /**
     * Sends {@code call}, the page at {@code after} of {@code walk}, and reads its answer.
     *
     * @throws SluiceException SOURCE_INVALID_DATA when the walk would pass max_pages, the answer is not JSON, the
     *     next position was seen before in the walk or is a link to an origin the connection may not follow; and
     *     whatever {@link HttpConnection#send} throws
     */
    Fetched fetch(Walk walk, HttpCall call, Optional<String> after) {
        if (++walk.pages > pagination.maxPages())
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "connection '" + connection.name() + "': " + walk.subject
                    + " has more than max_pages " + pagination.maxPages() + " pages; the API may be paging in a loop, or " + wording.tooLong);
        HttpAnswer answer = connection.send(call);
        if (answer.declaredEmpty())
            return new Fetched(call, answer, List.of(), Optional.empty());
        JsonNode root = parse(answer, call);
        List<JsonNode> values = records.select(root);
        Optional<String> next = next(after, values.size(), root, answer);
        if (next.isPresent() && !walk.seen.add(next.get()))
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "connection '" + connection.name() + "': the API gave the same next page ("
                    + shown(next.get()) + ") twice in " + walk.subject + "; stopped instead of reading the same pages forever. "
                    + "Check the pagination settings (param, from) against the API's documentation");
        return new Fetched(call, answer, values, next);
    }

    /**
     * The values of every page of one request, {@code first} being the call for its first page (as
     * {@link #call} built it from the same scope). An empty first page makes the answer empty without asking
     * for more: "nothing here" is what it says, whatever the pagination would do next.
     *
     * @throws SluiceException as {@link #fetch} does, for any page
     */
    Gathered gather(Template.Scope scope, HttpCall first, String label) {
        var walk = new Walk("the answer to " + describe(first));
        var values = new ArrayList<JsonNode>();
        HttpCall call = first;
        Optional<String> after = Optional.empty();
        while (true) {
            Fetched page = fetch(walk, call, after);
            if (page.answer().declaredEmpty())
                return new Gathered(values, true);
            values.addAll(page.values());
            if (page.next().isEmpty() || after.isEmpty() && page.values().isEmpty())
                return new Gathered(values, false);
            after = page.next();
            call = call(scope, after, label);
        }
    }

    /** {@code scope} with the page at {@code after}: page.number, page.offset, page.size and page.cursor. */
    private Template.Scope paged(Template.Scope scope, Optional<String> after) {
        return new Template.Scope() {
            @Override
            public Optional<Object> window(String name) {
                return scope.window(name);
            }

            @Override
            public Optional<JsonNode> record(String path) {
                return scope.record(path);
            }

            @Override
            public Optional<Object> page(String name) {
                return switch (name) {
                    case "size" -> Optional.of(pagination.size());
                    case "number" -> pagination.style() == Style.PAGE_NUMBER
                            ? Optional.of(after.map(Long::parseLong).orElse(pagination.first())) : Optional.empty();
                    case "offset" -> pagination.style() == Style.OFFSET ? Optional.of(after.map(Long::parseLong).orElse(0L)) : Optional.empty();
                    // An empty cursor on the first page: most APIs take an empty parameter as "from the start".
                    case "cursor" -> pagination.style() == Style.CURSOR ? Optional.of(after.orElse("")) : Optional.empty();
                    default -> Optional.empty();
                };
            }
        };
    }

    private JsonNode parse(HttpAnswer answer, HttpCall call) {
        try {
            return JSON.readTree(answer.body());
        } catch (JacksonException e) {
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "connection '" + connection.name() + "': the answer to " + describe(call)
                    + " (status " + answer.status() + ", " + answer.body().length + " bytes) is not valid JSON: " + e.getOriginalMessage()
                    + wording.notJson, e);
        }
    }

    /** The position of the next page, or empty when this was the last page. */
    private Optional<String> next(Optional<String> after, int count, JsonNode root, HttpAnswer answer) {
        var stops = pagination.stops();
        if (pagination.style() == Style.NONE)
            return Optional.empty();
        if (stops.contains(Stop.EMPTY_PAGE) && count == 0)
            return Optional.empty();
        if (stops.contains(Stop.SHORT_PAGE) && count < pagination.size())
            return Optional.empty();
        if (stops.contains(Stop.HAS_MORE) && pagination.hasMore().flatMap(s -> s.first(root)).map(n -> !n.asBoolean()).orElse(false))
            return Optional.empty();
        Optional<String> next = switch (pagination.style()) {
            case PAGE_NUMBER -> Optional.of(Long.toString(after.map(Long::parseLong).orElse(pagination.first()) + 1));
            case OFFSET -> Optional.of(Long.toString(after.map(Long::parseLong).orElse(0L) + count));
            case CURSOR -> pagination.from().flatMap(s -> s.first(root)).map(JsonNode::asString).filter(s -> !s.isEmpty());
            case NEXT_LINK -> pagination.from().flatMap(s -> s.first(root)).map(JsonNode::asString).filter(s -> !s.isEmpty())
                    .map(link -> follow(answer.uri(), link));
            case LINK_HEADER -> linkHeader(answer).map(link -> follow(answer.uri(), link));
            case NONE -> Optional.empty();
        };
        if (stops.contains(Stop.TOTAL) && next.isPresent()) {
            Optional<Long> total = pagination.total().flatMap(s -> s.first(root)).filter(JsonNode::isNumber).map(JsonNode::asLong);
            long done = switch (pagination.style()) {
                case PAGE_NUMBER -> (after.map(Long::parseLong).orElse(pagination.first()) - pagination.first() + 1) * pagination.size();
                case OFFSET -> after.map(Long::parseLong).orElse(0L) + count;
                default -> Long.MAX_VALUE; // a cursor does not say how far it has come
            };
            if (total.isPresent() && done >= total.get())
                return Optional.empty();
        }
        return next;
    }

    private String follow(URI current, String link) {
        URI target = current.resolve(link.strip());
        if (!connection.mayFollow(target))
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "connection '" + connection.name() + "': the next page is on another origin ("
                    + target.getScheme() + "://" + target.getAuthority() + ") and was not followed; if that origin is trusted, add it to "
                    + "connections." + connection.name() + ".allow_origins");
        return target.toString();
    }

    private static Optional<String> linkHeader(HttpAnswer answer) {
        for (String value : answer.headers().allValues("Link")) {
            Matcher m = LINK.matcher(value);
            while (m.find()) {
                for (String param : m.group(2).split(";")) {
                    String[] kv = param.strip().split("=", 2);
                    if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("rel")) {
                        for (String rel : kv[1].strip().replace("\"", "").split("\\s+"))
                            if (rel.equalsIgnoreCase("next"))
                                return Optional.of(m.group(1));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** "GET /v1/orders", for messages: without the query, which may carry an API key. */
    static String describe(HttpCall call) {
        return call.method() + " " + shown(call.pathOrUrl());
    }

    /** A position or URL for a message: without its query, which may carry an API key. */
    private static String shown(String position) {
        int q = position.indexOf('?');
        String s = q < 0 ? position : position.substring(0, q) + "?…";
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
