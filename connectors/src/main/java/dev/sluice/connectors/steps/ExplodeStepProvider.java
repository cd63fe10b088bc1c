package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {type: explode, field: items, as: item, on_empty: drop}}: one record per element of the array
 * {@code field}, with the parent's other fields. With {@code as}, the element goes under that name;
 * without, the element (an object) is merged in, its fields replacing the parent's of the same name.
 * An empty, null or missing array drops the record (counted as rejected) or, with
 * {@code on_empty: keep}, keeps it once with null in place of the element.
 */
public final class ExplodeStepProvider implements StepProvider {
    enum OnEmpty { DROP, KEEP }

    @Override
    public String type() {
        return "explode";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        Optional<FieldPath> field = FieldBinding.requiredPath(config, "field", "items");
        Optional<FieldPath> as = FieldBinding.path(config, "as");
        OnEmpty onEmpty = config.choice("on_empty", OnEmpty.class).orElse(OnEmpty.DROP);
        if (field.isEmpty() || (config.has("as") && as.isEmpty()))
            return null;
        FieldPath array = field.get();
        return new RecordStep(name, (window, record, out) -> {
            JsonNode items = array.find(record).orElse(null);
            if (items != null && !items.isNull() && !items.isArray())
                throw StepFailure.invalidData(name, window, "field '" + array + "' is a " + items.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + ", not an array; explode needs a list of values");
            ObjectNode parent = record.deepCopy();
            array.remove(parent);
            if (items == null || items.isEmpty()) {
                if (onEmpty == OnEmpty.DROP) {
                    out.reject();
                    return;
                }
                as.orElse(array).set(parent, JsonNodeFactory.instance.nullNode());
                out.emit(parent);
                return;
            }
            int i = 0;
            for (JsonNode item : items) {
                ObjectNode r = ++i == items.size() ? parent : parent.deepCopy();
                if (as.isPresent()) {
                    if (!as.get().set(r, item.deepCopy()))
                        throw StepFailure.invalidData(name, window, "cannot put the element under '" + as.get() + "': a parent of it is not an object");
                } else if (item.isObject()) {
                    for (Map.Entry<String, JsonNode> e : item.properties())
                        r.set(e.getKey(), e.getValue().deepCopy());
                } else {
                    throw StepFailure.invalidData(name, window, "an element of '" + array + "' is " + item.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                            + ", not an object, so it cannot be merged into the record; name a field for it with as: item");
                }
                out.emit(r);
            }
        });
    }
}
