package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/** {@code {type: drop, fields: [password, meta.raw]}}: removes the listed fields; a field the record lacks is ignored. */
public final class DropStepProvider implements StepProvider {
    @Override
    public String type() {
        return "drop";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        Optional<List<FieldPath>> fields = FieldBinding.paths(config, "fields", "[password, meta.raw]");
        if (fields.isEmpty())
            return null;
        List<FieldPath> paths = fields.get();
        return new RecordStep(name, (window, record, out) -> {
            if (paths.stream().noneMatch(p -> p.find(record).isPresent())) {
                out.emit(record); // nothing to drop: the record passes unchanged, uncopied
                return;
            }
            ObjectNode copy = record.deepCopy();
            for (FieldPath p : paths)
                p.remove(copy);
            out.emit(copy);
        });
    }
}
