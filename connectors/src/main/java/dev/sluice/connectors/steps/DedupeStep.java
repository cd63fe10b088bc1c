package dev.sluice.connectors.steps;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.window.Window;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Passes the first record of each key in a window. Keeps, per window in progress, the set of keys
 * seen (the keys' JSON text, not the records), across the window's pages; the set is dropped when
 * the window commits or is discarded. Pages of one window come from one thread, so each set is
 * used by one thread at a time; the map of sets is shared by windows that run at once.
 */
final class DedupeStep implements Step {
    private final String name;
    private final List<FieldPath> key;
    private final long maxKeys;
    private final Map<Window, Set<String>> seen = new ConcurrentHashMap<>();

    DedupeStep(String name, List<FieldPath> key, long maxKeys) {
        this.name = requireNonNull(name, "name is null");
        this.key = List.copyOf(key);
        this.maxKeys = maxKeys;
    }

    @Override
    public void open(StepContext context) {
        seen.clear();
    }

    @Override
    public StepResult apply(Window window, List<DataRecord> records) {
        Set<String> keys = seen.computeIfAbsent(window, w -> new HashSet<>());
        var out = new ArrayList<DataRecord>(records.size());
        long rejected = 0;
        for (DataRecord r : records) {
            if (keys.add(keyOf(r))) {
                if (keys.size() > maxKeys)
                    throw StepFailure.invalidData(name, window, "more than " + maxKeys + " distinct keys in one window; raise max_keys "
                            + "(each key takes memory until the window commits) or use smaller windows");
                out.add(r);
            } else {
                rejected++;
            }
        }
        return new StepResult(out, List.of(), rejected, 0);
    }

    /** The key's values as JSON text: a missing field counts as null. */
    private String keyOf(DataRecord r) {
        ArrayNode values = JsonNodeFactory.instance.arrayNode(key.size());
        for (FieldPath p : key)
            values.add(p.find(r.data()).orElse(JsonNodeFactory.instance.nullNode()));
        return values.toString();
    }

    /** How many keys are held for {@code window}: for tests of the memory bound. */
    int keysHeld(Window window) {
        Set<String> keys = seen.get(window);
        return keys == null ? 0 : keys.size();
    }

    @Override
    public void commit(Window window) {
        seen.remove(window);
    }

    @Override
    public void discard(Window window) {
        seen.remove(window);
    }

    @Override
    public void close() {
        seen.clear();
    }

    @Override
    public String toString() {
        return "step '" + name + "'";
    }
}
