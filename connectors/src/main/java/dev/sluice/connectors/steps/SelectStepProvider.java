package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {type: select, fields: [id, meta.lot]}}: keeps only the listed fields, in the order listed; a
 * nested field keeps its parents ({@code meta.lot} gives {@code {"meta": {"lot": ...}}}). A field the
 * record lacks is left out.
 */
public final class SelectStepProvider implements StepProvider {
    @Override
    public String type() {
        return "select";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        Optional<List<FieldPath>> fields = FieldBinding.paths(config, "fields", "[id, name, meta.lot]");
        if (fields.isEmpty())
            return null;
        List<FieldPath> paths = fields.get();
        return new RecordStep(name, (window, record, out) -> {
            ObjectNode kept = JsonNodeFactory.instance.objectNode();
            for (FieldPath p : paths) {
                Optional<JsonNode> v = p.find(record);
                if (v.isPresent())
                    p.set(kept, v.get().deepCopy());
            }
            out.emit(kept);
        });
    }
}
