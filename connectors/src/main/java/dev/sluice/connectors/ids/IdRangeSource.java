package dev.sluice.connectors.ids;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.Window;
import java.util.ArrayList;
import java.util.Optional;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One record {@code {"<field>": n}} for each id {@code n} of an id window, in order: the ids a pipeline
 * works through when the entities themselves come from dependent requests ("production records 1 to
 * 60000, in batches of 100"). {@link Page#next()} is the next id, in decimal. Holds no state between
 * calls, so windows may be read on several threads at once.
 */
final class IdRangeSource implements Source {
    private final String field;
    private final int pageSize;

    IdRangeSource(String field, int pageSize) {
        this.field = requireNonNull(field, "field is null");
        if (pageSize < 1)
            throw new IllegalArgumentException("page size must be at least 1, was " + pageSize);
        this.pageSize = pageSize;
    }

    @Override
    public void open(SourceContext context) {
        // Nothing to connect to.
    }

    @Override
    public Page read(Window window, Optional<String> after) {
        if (!(window instanceof IdWindow w))
            throw new SluiceException(ErrorCode.CONFIG_INVALID, "ids source: window " + window + " is not an id window; "
                    + "the ids source needs windows: {cursor: id}");
        long from = after.map(a -> position(a, w)).orElse(w.start());
        long to = w.end() - from <= pageSize ? w.end() : from + pageSize;
        var records = new ArrayList<DataRecord>((int) (to - from));
        for (long id = from; id < to; id++) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put(field, id);
            records.add(new DataRecord(node));
        }
        return to < w.end() ? Page.more(records, Long.toString(to)) : Page.last(records);
    }

    private static long position(String after, IdWindow w) {
        try {
            long id = Long.parseLong(after);
            if (id >= w.start() && id <= w.end())
                return id;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SluiceException(ErrorCode.INTERNAL, "ids source: cannot resume window " + w + " at position '" + after
                + "', which is not an id of the window; read the window again from its start");
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
