package dev.sluice.connectors.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.sluice.core.config.ConfigObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The body of the HTTP sink's requests: a JSON value whose strings may be templates, with
 * {@code "{{ records }}"} standing alone in exactly one place for the JSON array of the records. Each
 * request renders it into the text before the array and the text after it, so that the records
 * themselves go out straight from where they are staged, never as one tree in memory.
 */
final class BodyTemplate {
    /** No {@code body:}: the body is the array of records itself. */
    static final BodyTemplate RECORDS = new BodyTemplate(JsonNodeFactory.instance.stringNode("{{ records }}"), Map.of());

    private static final Pattern RECORDS_PLACEHOLDER = Pattern.compile("\\{\\{\\s*records\\s*}}");
    private static final JsonMapper JSON = JsonMapper.shared();

    private final JsonNode tree;
    private final Map<String, Template> templates;
    // Stands in for the records while the rest is written; random, so that no value of the file or of a
    // window can be mistaken for it.
    private final String marker = "sluice-records-" + UUID.randomUUID();

    private BodyTemplate(JsonNode tree, Map<String, Template> templates) {
        this.tree = requireNonNull(tree, "tree is null");
        this.templates = Map.copyOf(templates);
    }

    /** The body around the records: {@code before} ends with '[' and {@code after} starts with ']'. */
    record Frame(byte[] before, byte[] after) {
        Frame {
            requireNonNull(before, "before is null");
            requireNonNull(after, "after is null");
        }
    }

    /**
     * Reads {@code key} of {@code config}; {@link #RECORDS} when it is absent, null (with problems reported)
     * when it is wrong.
     */
    static BodyTemplate bind(ConfigObject config, String key, List<String> roots) {
        if (!config.has(key))
            return RECORDS;
        JsonNode body = config.json(key).orElseThrow();
        var templates = new LinkedHashMap<String, Template>();
        boolean[] ok = {true};
        int places = collect(config, key, body, roots, templates, ok);
        if (places == 0) {
            config.problem(key, "the body must hold \"{{ records }}\" as a whole value, where the records go, "
                    + "e.g. " + key + ": {count: \"{{ batch.count }}\", records: \"{{ records }}\"}");
            ok[0] = false;
        } else if (places > 1) {
            config.problem(key, "the body holds \"{{ records }}\" " + places + " times; the records go in one place");
            ok[0] = false;
        }
        return ok[0] ? new BodyTemplate(body, templates) : null;
    }

    /** Parses the templates in {@code n}; returns how many times "{{ records }}" stands alone in it. */
    private static int collect(ConfigObject config, String key, JsonNode n, List<String> roots, Map<String, Template> out, boolean[] ok) {
        if (n.isString()) {
            String s = n.asString();
            if (RECORDS_PLACEHOLDER.matcher(s.strip()).matches())
                return 1;
            if (s.contains("{{") && !out.containsKey(s))
                out.put(s, Template.parse(s, roots, message -> {
                    config.problem(key, message);
                    ok[0] = false;
                }));
            return 0;
        }
        int places = 0;
        for (JsonNode child : n.values())
            places += collect(config, key, child, roots, out, ok);
        return places;
    }

    boolean uses(String root) {
        return templates.values().stream().anyMatch(t -> t.uses(root));
    }

    /** The body of one request, every template filled in from {@code scope}, split where the records go. */
    Frame render(Template.Scope scope, Template.TimeFormat time) {
        String text = JSON.writeValueAsString(fill(tree, scope, time));
        String quoted = JSON.writeValueAsString(marker);
        int at = text.indexOf(quoted);
        if (at < 0 || text.indexOf(quoted, at + 1) >= 0)
            throw new IllegalStateException("the records' place was lost when the body was written: " + text);
        return new Frame((text.substring(0, at) + "[").getBytes(UTF_8), ("]" + text.substring(at + quoted.length())).getBytes(UTF_8));
    }

    private JsonNode fill(JsonNode n, Template.Scope scope, Template.TimeFormat time) {
        var f = JsonNodeFactory.instance;
        if (n.isString()) {
            if (RECORDS_PLACEHOLDER.matcher(n.asString().strip()).matches())
                return f.stringNode(marker);
            Template t = templates.get(n.asString());
            return t == null ? n : t.renderJson(scope, time);
        }
        if (n.isObject()) {
            var o = f.objectNode();
            n.properties().forEach(e -> o.set(e.getKey(), fill(e.getValue(), scope, time)));
            return o;
        }
        if (n.isArray()) {
            var a = f.arrayNode();
            n.forEach(e -> a.add(fill(e, scope, time)));
            return a;
        }
        return n;
    }

    @Override
    public String toString() {
        return tree.toString();
    }
}
