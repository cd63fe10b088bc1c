package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {type: compute, fields: {total: "amount * 1.2", name: "first + ' ' + last"}}}: sets each field
 * (a dotted path) to the value of its CEL expression, in the order written; each expression sees the
 * record as the fields before it left it. See {@link Expression} for the language.
 */
public final class ComputeStepProvider implements StepProvider {
    private record Field(FieldPath path, Expression expression) {
    }

    @Override
    public String type() {
        return "compute";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        if (!config.has("fields")) {
            config.problem("missing required key 'fields': field to expression, e.g. fields: {total: \"amount * 1.2\"}");
            return null;
        }
        Optional<ConfigObject> fields = config.object("fields");
        if (fields.isEmpty())
            return null;
        ConfigObject f = fields.get();
        List<String> keys = f.keys();
        if (keys.isEmpty()) {
            config.problem("fields", "must set at least one field, e.g. fields: {total: \"amount * 1.2\"}");
            return null;
        }
        var out = new ArrayList<Field>();
        boolean ok = true;
        for (String key : keys) {
            Optional<FieldPath> path = FieldPath.parse(key, m -> f.problem(key, m));
            Optional<String> text = f.string(key);
            if (text.isEmpty() && f.has(key))
                f.problem(key, "needs an expression, e.g. " + key + ": \"amount * 1.2\"");
            Optional<Expression> e = text.flatMap(t -> Expression.compile(t, Expression.Result.ANY, m -> f.problem(key, m)));
            if (path.isEmpty() || e.isEmpty())
                ok = false;
            else
                out.add(new Field(path.get(), e.get()));
        }
        if (!ok)
            return null;
        List<Field> all = List.copyOf(out);
        return new RecordStep(name, (window, record, output) -> {
            ObjectNode copy = record.deepCopy();
            for (Field field : all) {
                var json = new CelJson();
                JsonNode value;
                try {
                    value = json.toJson(field.expression.evaluate(copy, window, json));
                } catch (Expression.Failure | CelJson.NotJson e) {
                    throw StepFailure.invalidData(name, window, "field '" + field.path + "' = " + field.expression + ": " + e.getMessage());
                }
                if (!field.path.set(copy, value))
                    throw StepFailure.invalidData(name, window, "cannot set field '" + field.path + "': a parent of it in the record is not an object");
            }
            output.emit(copy);
        });
    }
}
