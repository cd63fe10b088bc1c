package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.ConnectionStats;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.ObservedConnections;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.window.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the records of a window from a REST API: one templated request per page, the records picked
 * out of each answer with JSONPath, pages followed as the pipeline's {@code pagination:} says (see
 * {@link Paging}), and (optionally) records outside the half-open window dropped by a named field, for
 * APIs whose bounds are inclusive.
 *
 * <p>A page position is the next page number, offset, cursor or link. The source keeps, per window in
 * progress, a {@link Paging.Walk}: how many pages it read and which positions it saw, so that a position
 * seen twice or a window longer than {@code max_pages} fails the window instead of looping.
 */
final class HttpSource implements Source, ObservedConnections {
    private static final String LABEL = "source";

    private final HttpConnection connection;
    private final Paging paging;
    private final RecordSelector records;
    private final Optional<WindowFilter> keepInWindow;
    private final Map<Window, Paging.Walk> progress = new ConcurrentHashMap<>();

    HttpSource(HttpConnection connection, RequestSpec request, Pagination pagination, RecordSelector records,
               Optional<WindowFilter> keepInWindow, Template.TimeFormat time) {
        this.connection = requireNonNull(connection, "connection is null");
        this.records = requireNonNull(records, "records is null");
        this.keepInWindow = requireNonNull(keepInWindow, "keepInWindow is null");
        this.paging = new Paging(connection, request, pagination, records, time, Paging.Wording.SOURCE);
    }

    @Override
    public void open(SourceContext context) {
        connection.open();
    }

    @Override
    public Page read(Window window, Optional<String> after) {
        // The first page of a window starts afresh, also when an earlier attempt of it failed half-way.
        Paging.Walk walk = after.isEmpty() ? new Paging.Walk("window " + window)
                : progress.computeIfAbsent(window, w -> new Paging.Walk("window " + w));
        if (after.isEmpty())
            progress.put(window, walk);
        boolean more = false;
        try {
            HttpCall call = paging.call(scope(window), after, LABEL);
            Paging.Fetched page = paging.fetch(walk, call, after);
            if (page.answer().declaredEmpty())
                return new Page(List.of(), Optional.empty(), 1);
            var out = new ArrayList<DataRecord>(page.values().size());
            for (JsonNode n : page.values()) {
                if (!(n instanceof ObjectNode o))
                    throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "connection '" + connection.name() + "': records " + records
                            + " selected a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " in the answer to "
                            + Paging.describe(call) + ", not an object; point records: at the array of objects, e.g. $.data[*]");
                if (keepInWindow.isEmpty() || keepInWindow.get().contains(window, o))
                    out.add(new DataRecord(o));
            }
            more = page.next().isPresent();
            return new Page(out, page.next(), 0);
        } finally {
            if (!more) // the window's last page, or a failure: the runner reads a failed window again from its start
                progress.remove(window);
        }
    }

    private static Template.Scope scope(Window window) {
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
                return Optional.empty(); // filled in by Paging
            }
        };
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
