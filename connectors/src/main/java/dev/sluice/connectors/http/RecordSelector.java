package dev.sluice.connectors.http;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.Jackson3JsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.Jackson3MappingProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Picks values out of a JSON answer with JSONPath: the records of a page ({@code $.data[*]}), a next
 * cursor ({@code $.next_cursor}), a total. Paths made only of fields and a final {@code [*]} (by far the
 * most common) are walked directly on the tree; any other JSONPath goes through Jayway JsonPath.
 */
final class RecordSelector {
    private static final Configuration JAYWAY = Configuration.builder()
            .jsonProvider(new Jackson3JsonNodeJsonProvider())
            .mappingProvider(new Jackson3MappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS, Option.ALWAYS_RETURN_LIST)
            .build();

    private final String text;
    private final Optional<FieldPath> fields; // the path without "$." and a trailing "[*]"
    private final boolean each;
    private final JsonPath compiled;

    private RecordSelector(String text, Optional<FieldPath> fields, boolean each, JsonPath compiled) {
        this.text = text;
        this.fields = fields;
        this.each = each;
        this.compiled = compiled;
    }

    static Optional<RecordSelector> parse(String text, Consumer<String> problems) {
        String t = text.strip();
        if (!t.startsWith("$")) {
            problems.accept("'" + text + "' is not a JSONPath; start it with $, e.g. $.data[*] or $.items");
            return Optional.empty();
        }
        boolean each = t.endsWith("[*]");
        String body = each ? t.substring(0, t.length() - 3) : t;
        if (body.equals("$"))
            return Optional.of(new RecordSelector(text, Optional.empty(), each, null));
        if (body.startsWith("$.")) {
            Optional<FieldPath> f = FieldPath.parse(body.substring(2));
            if (f.isPresent())
                return Optional.of(new RecordSelector(text, f, each, null));
        }
        try {
            return Optional.of(new RecordSelector(text, Optional.empty(), false, JsonPath.compile(t)));
        } catch (InvalidPathException | IllegalArgumentException e) {
            problems.accept("'" + text + "' is not a valid JSONPath: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The selected values: the elements of the selected array for a path ending in {@code [*]}, every
     * match of a general JSONPath, or the single value otherwise (an array counts as its elements).
     * Nothing found is an empty list.
     */
    List<JsonNode> select(JsonNode root) {
        if (compiled != null) {
            JsonNode found = compiled.read(root, JAYWAY);
            var out = new ArrayList<JsonNode>();
            if (found != null)
                found.forEach(out::add);
            return out;
        }
        Optional<JsonNode> node = fields.isEmpty() ? Optional.of(root) : fields.get().find(root);
        if (node.isEmpty())
            return List.of();
        JsonNode n = node.get();
        if (n.isArray()) {
            var out = new ArrayList<JsonNode>(n.size());
            n.forEach(out::add);
            return out;
        }
        if (each && n.isObject()) {
            var out = new ArrayList<JsonNode>(n.size());
            n.forEach(out::add);
            return out;
        }
        return List.of(n);
    }

    /** The first selected value, when it is a plain value (text, number, boolean). */
    Optional<JsonNode> first(JsonNode root) {
        List<JsonNode> all = select(root);
        return all.isEmpty() || all.getFirst().isNull() ? Optional.empty() : Optional.of(all.getFirst());
    }

    @Override
    public String toString() {
        return text;
    }
}
