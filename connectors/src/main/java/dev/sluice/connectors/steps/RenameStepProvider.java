package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {type: rename, fields: {userName: performed_by, meta.lot: lot}}}: moves each field from the old
 * path (the key) to the new one (the value), in the order written. A renamed field within the same
 * object keeps its place; one moved to another object goes last there. A field the record lacks is
 * ignored; a field already at the new path is replaced.
 */
public final class RenameStepProvider implements StepProvider {
    private record Move(FieldPath from, FieldPath to) {
    }

    @Override
    public String type() {
        return "rename";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        if (!config.has("fields")) {
            config.problem("missing required key 'fields': old path to new path, e.g. fields: {userName: performed_by}");
            return null;
        }
        Optional<Map<String, String>> map = config.stringMap("fields");
        if (map.isEmpty())
            return null;
        var moves = new ArrayList<Move>();
        boolean ok = !map.get().isEmpty();
        if (!ok)
            config.problem("fields", "must rename at least one field, e.g. fields: {userName: performed_by}");
        var fields = config.object("fields").orElseThrow();
        for (var e : map.get().entrySet()) {
            Optional<FieldPath> from = FieldPath.parse(e.getKey(), m -> fields.problem(e.getKey(), m));
            Optional<FieldPath> to = FieldPath.parse(e.getValue(), m -> fields.problem(e.getKey(), m));
            if (from.isEmpty() || to.isEmpty())
                ok = false;
            else
                moves.add(new Move(from.get(), to.get()));
        }
        if (!ok)
            return null;
        List<Move> all = List.copyOf(moves);
        return new RecordStep(name, (window, record, out) -> {
            if (all.stream().noneMatch(m -> m.from.find(record).isPresent())) {
                out.emit(record);
                return;
            }
            ObjectNode copy = record.deepCopy();
            for (Move m : all)
                if (!move(copy, m))
                    throw StepFailure.invalidData(name, window, "cannot rename '" + m.from + "' to '" + m.to
                            + "': a parent of '" + m.to + "' in the record is not an object; rename to another path");
            out.emit(copy);
        });
    }

    /** Moves one field; false when the new path cannot be made (a parent is not an object). */
    private static boolean move(ObjectNode record, Move m) {
        Optional<JsonNode> value = m.from.find(record);
        if (value.isEmpty() || m.from.equals(m.to))
            return true;
        if (m.from.parts().size() == m.to.parts().size()
                && m.from.parts().subList(0, m.from.parts().size() - 1).equals(m.to.parts().subList(0, m.to.parts().size() - 1))) {
            // Same parent: rebuild it so that the field keeps its place.
            ObjectNode parent = m.from.parent(record, false).orElseThrow();
            var entries = new ArrayList<Map.Entry<String, JsonNode>>(parent.properties());
            parent.removeAll();
            for (var e : entries) {
                if (e.getKey().equals(m.to.last()))
                    continue;
                parent.set(e.getKey().equals(m.from.last()) ? m.to.last() : e.getKey(), e.getValue());
            }
            return true;
        }
        m.from.remove(record);
        return m.to.set(record, value.get());
    }
}
