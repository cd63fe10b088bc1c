package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.http.Pagination.Stop;
import dev.sluice.connectors.http.Pagination.Style;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.ConnectionStats;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.ObservedConnections;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.window.Window;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the records of a window from a REST API: one templated request per page, the records picked
 * out of each answer with JSONPath, pages followed as the pipeline's {@code pagination:} says, and
 * (optionally) records outside the half-open window dropped by a named field, for APIs whose bounds
 * are inclusive.
 *
 * <p>A page position is the next page number, offset, cursor or link. The source keeps, per window in
 * progress, how many pages it read and which positions it saw, so that a position seen twice or a
 * window longer than {@code max_pages} fails the window instead of looping.
 */
final class HttpSource implements Source, ObservedConnections {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");

    private final HttpConnection connection;
    private final RequestSpec request;
    private final Pagination pagination;
    private final RecordSelector records;
    private final Optional<WindowFilter> keepInWindow;
    private final Template.TimeFormat time;
    private final boolean pageInTemplates;
    private final Map<Window, Progress> progress = new ConcurrentHashMap<>();

    HttpSource(HttpConnection connection, RequestSpec request, Pagination pagination, RecordSelector records,
               Optional<WindowFilter> keepInWindow, Template.TimeFormat time) {
        this.connection = requireNonNull(connection, "connection is null");
        this.request = requireNonNull(request, "request is null");
        this.pagination = requireNonNull(pagination, "pagination is null");
        this.records = requireNonNull(records, "records is null");
        this.keepInWindow = requireNonNull(keepInWindow, "keepInWindow is null");
        this.time = requireNonNull(time, "time is null");
        this.pageInTemplates = request.uses("page");
    }

    /** Pages read and positions seen in one window. Used by the one thread reading that window. */
    private static final class Progress {
        int pages;
        final Set<String> seen = new HashSet<>();
    }

    @Override
    public void open(SourceContext context) {
        connection.open();
    }

    @Override
    public Page read(Window window, Optional<String> after) {
        // The first page of a window starts afresh, also when an earlier attempt of it failed half-way.
        Progress p = after.isEmpty() ? new Progress() : progress.computeIfAbsent(window, w -> new Progress());
        if (after.isEmpty())
            progress.put(window, p);
        if (++p.pages > pagination.maxPages()) {
            progress.remove(window);
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "connection '" + connection.name() + "': window " + window
                    + " has more than max_pages " + pagination.maxPages() + " pages; the API may be paging in a loop, or the window is too big: "
                    + "raise source.pagination.max_pages or make windows.size smaller");
        }
        HttpCall call = call(window, after);
        HttpAnswer answer = connection.send(call);
        if (answer.declaredEmpty()) {
            progress.remove(window);
            return new Page(List.of(), Optional.empty(), 1);
        }
        JsonNode root = parse(answer, call);
        List<JsonNode> selected = records.select(root);
        var out = new ArrayList<DataRecord>(selected.size());
        for (JsonNode n : selected) {
            if (!(n instanceof ObjectNode o))
                throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "connection '" + connection.name() + "': records " + records
                        + " selected a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " in the answer to " + describe(call)
                        + ", not an object; point records: at the array of objects, e.g. $.data[*]");
            if (keepInWindow.isEmpty() || keepInWindow.get().contains(window, o))
                out.add(new DataRecord(o));
        }
        Optional<String> next = next(after, selected.size(), root, answer);
        if (next.isPresent() && !p.seen.add(next.get())) {
            progress.remove(window);
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "connection '" + connection.name() + "': the API gave the same next page ("
                    + shown(next.get()) + ") twice in window " + window + "; stopped instead of reading the same pages forever. "
                    + "Check the pagination settings (param, from) against the API's documentation");
        }
        if (next.isEmpty())
            progress.remove(window);
        return new Page(out, next, 0);
    }

    private HttpCall call(Window window, Optional<String> after) {
        String label = "source";
        if (after.isPresent() && pagination.style().followsLinks()) {
            var headers = new LinkedHashMap<String, String>();
            Template.Scope scope = scope(window, after);
            request.headers().forEach((k, t) -> headers.put(k, t.render(scope, time, false)));
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
        return request.render(scope(window, after), time, extra, label);
    }

    private Template.Scope scope(Window window, Optional<String> after) {
        return new Template.Scope() {
            @Override
            public Optional<Object> window(String name) {
                return Template.windowValue(window, name);
            }

            @Override
            public Optional<JsonNode> record(String path) {
                return Optional.empty();
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
                    + "; the window was not committed and the next run reads it again", e);
        }
    }

    /** The position of the next page, or empty when this was the window's last page. */
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

    static Optional<String> linkHeader(HttpAnswer answer) {
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

    private String describe(HttpCall call) {
        return call.method() + " " + shown(call.pathOrUrl());
    }

    /** A position or URL for a message: without its query, which may carry an API key. */
    private static String shown(String position) {
        int q = position.indexOf('?');
        String s = q < 0 ? position : position.substring(0, q) + "?…";
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    @Override
    public void close() {
        progress.clear();
        connection.close();
    }

    @Override
    public List<ConnectionStats> connectionStats() {
        return List.of(connection.observed());
    }
}
