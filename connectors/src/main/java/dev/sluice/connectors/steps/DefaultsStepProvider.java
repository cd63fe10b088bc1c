package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {type: defaults, template: {source_name: elasticsearch, meta: {env: prod}}}} (or
 * {@code template_file: default_record.yaml}): merges a template into each record. A field the record
 * lacks, or has as null (unless {@code nulls: keep}), is filled from the template; where both hold
 * an object the merge goes deeper; any other value of the record wins. Arrays are not merged.
 */
public final class DefaultsStepProvider implements StepProvider {
    enum Nulls { FILL, KEEP }

    @Override
    public String type() {
        return "defaults";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        Optional<JsonNode> template = TreeFile.inlineOrFile(config, "template", "template_file", "the template");
        Nulls nulls = config.choice("nulls", Nulls.class).orElse(Nulls.FILL);
        if (template.isEmpty())
            return null;
        if (!(template.get() instanceof ObjectNode t)) {
            config.problem(config.has("template") ? "template" : "template_file", "the template must be a mapping of fields to values, "
                    + "e.g. template: {source_name: elasticsearch}");
            return null;
        }
        return new RecordStep(name, (window, record, out) -> {
            ObjectNode copy = record.deepCopy();
            merge(copy, t, nulls == Nulls.FILL);
            out.emit(copy);
        });
    }

    private static void merge(ObjectNode record, ObjectNode template, boolean fillNulls) {
        for (Map.Entry<String, JsonNode> e : template.properties()) {
            JsonNode mine = record.get(e.getKey());
            if (mine == null || (mine.isNull() && fillNulls))
                record.set(e.getKey(), e.getValue().deepCopy());
            else if (mine instanceof ObjectNode o && e.getValue() instanceof ObjectNode t)
                merge(o, t, fillNulls);
        }
    }
}
