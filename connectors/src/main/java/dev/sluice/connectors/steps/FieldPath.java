package dev.sluice.connectors.steps;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A field of a record named by its dotted path, such as {@code lot} or {@code meta.updated_at}: each
 * part is the name of a field of an object. A name that itself contains a dot cannot be named.
 */
record FieldPath(String text, List<String> parts) {
    FieldPath {
        parts = List.copyOf(parts);
    }

    /** The path of {@code text}; empty, with a problem reported, when it has an empty part. */
    static Optional<FieldPath> parse(String text, Consumer<String> problems) {
        String t = text.strip();
        List<String> parts = List.of(t.split("\\.", -1));
        if (t.isEmpty() || parts.stream().anyMatch(String::isEmpty)) {
            problems.accept("'" + text + "' is not a field path; name a field as name or parent.child, with no empty part");
            return Optional.empty();
        }
        return Optional.of(new FieldPath(t, parts));
    }

    /** The value at this path, a JSON null included; empty when a part is missing or a parent is not an object. */
    Optional<JsonNode> find(JsonNode root) {
        JsonNode n = root;
        for (String p : parts) {
            if (!(n instanceof ObjectNode o) || !o.has(p))
                return Optional.empty();
            n = o.get(p);
        }
        return Optional.of(n);
    }

    /** The object that holds the last part, created on the way when {@code create}; empty when a parent is not an object. */
    Optional<ObjectNode> parent(ObjectNode root, boolean create) {
        ObjectNode o = root;
        for (int i = 0; i < parts.size() - 1; i++) {
            JsonNode next = o.get(parts.get(i));
            if (next == null && create)
                next = o.putObject(parts.get(i));
            if (!(next instanceof ObjectNode child))
                return Optional.empty();
            o = child;
        }
        return Optional.of(o);
    }

    String last() {
        return parts.getLast();
    }

    /**
     * Sets the value at this path, creating missing parent objects. Returns false, changing nothing,
     * when a parent exists and is not an object.
     */
    boolean set(ObjectNode root, JsonNode value) {
        for (int i = 0; i < parts.size() - 1; i++) {
            JsonNode existing = new FieldPath(text, parts.subList(0, i + 1)).find(root).orElse(null);
            if (existing != null && !existing.isObject())
                return false;
        }
        parent(root, true).orElseThrow().set(last(), value);
        return true;
    }

    /** Removes the field at this path; returns what was there. */
    Optional<JsonNode> remove(ObjectNode root) {
        return parent(root, false).map(o -> o.remove(last()));
    }

    @Override
    public String toString() {
        return text;
    }
}
