package dev.sluice.connectors.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** A field of a record named as {@code lot}, {@code meta.updated_at} or {@code items[0].id}. */
record FieldPath(String text, List<Object> steps) {
    private static final Pattern STEP = Pattern.compile("\\.?([A-Za-z_$][\\w$-]*)|\\[(\\d+)]");

    FieldPath {
        steps = List.copyOf(steps);
    }

    /** Empty when {@code text} is not a field path. */
    static Optional<FieldPath> parse(String text) {
        var steps = new ArrayList<Object>();
        Matcher m = STEP.matcher(text);
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            steps.add(m.group(1) != null ? m.group(1) : Integer.valueOf(m.group(2)));
            at = m.end();
        }
        if (at != text.length() || steps.isEmpty() || text.startsWith("."))
            return Optional.empty();
        return Optional.of(new FieldPath(text, steps));
    }

    /** The value at this path; empty when a step is missing or the value is null. */
    Optional<JsonNode> find(JsonNode root) {
        JsonNode n = root;
        for (Object s : steps) {
            n = s instanceof String name ? n.get(name) : n.get((Integer) s);
            if (n == null || n.isNull() || n.isMissingNode())
                return Optional.empty();
        }
        return Optional.of(n);
    }
}
