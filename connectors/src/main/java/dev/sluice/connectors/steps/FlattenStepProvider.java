package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import dev.sluice.core.window.Window;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {type: flatten, separator: "_", depth: 2, fields: [meta]}}: lifts the fields of nested objects
 * to the top level, named parent, separator, child: {@code {"a": {"b": 1}}} becomes {@code {"a_b": 1}}.
 * {@code depth} is how many levels are lifted (all by default); {@code fields} limits it to some
 * top-level fields. Arrays and empty objects stay as they are. A lifted name that is already taken
 * fails the window rather than lose a value.
 */
public final class FlattenStepProvider implements StepProvider {
    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        String separator = config.string("separator").orElse("_");
        int depth = config.integer("depth", 1, 1000).orElse(1000L).intValue();
        Set<String> only = Set.copyOf(config.strings("fields").orElse(List.of()));
        return new RecordStep(name, (window, record, out) -> {
            ObjectNode flat = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : record.properties()) {
                JsonNode v = e.getValue();
                if (v.isObject() && !v.isEmpty() && (only.isEmpty() || only.contains(e.getKey())))
                    lift(name, window, flat, e.getKey(), v, depth, separator);
                else
                    put(name, window, flat, e.getKey(), v);
            }
            out.emit(flat);
        });
    }

    private static void lift(String step, Window window, ObjectNode flat, String prefix, JsonNode object, int levels, String separator) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String key = prefix + separator + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject() && !v.isEmpty() && levels > 1)
                lift(step, window, flat, key, v, levels - 1, separator);
            else
                put(step, window, flat, key, v);
        }
    }

    private static void put(String step, Window window, ObjectNode flat, String key, JsonNode v) {
        if (flat.has(key))
            throw StepFailure.invalidData(step, window, "flattening gives the field '" + key + "' twice; choose another separator, "
                    + "or rename one of the fields first");
        flat.set(key, v.deepCopy());
    }
}
