package dev.sluice.connectors.http;

import dev.sluice.core.config.ConfigObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One templated request as written in a pipeline file ({@code request:} of a source, a step or a
 * fallback): method, path, query parameters, headers and an optional JSON body, and the statuses the
 * pipeline declares "empty, not failed".
 */
record RequestSpec(String method, Template path, Map<String, Template> query, Map<String, Template> headers,
                   Optional<JsonNode> body, Map<String, Template> bodyTemplates, Set<Integer> emptyStatuses) {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final List<String> SEND_METHODS = List.of("POST", "PUT", "PATCH");

    /** Reads {@code request:} from {@code owner}; null (with problems reported) when it is wrong. */
    static RequestSpec bind(ConfigObject owner, List<String> roots) {
        Optional<ConfigObject> node = owner.object("request");
        if (node.isEmpty()) {
            if (!owner.has("request"))
                owner.problem("missing required key 'request', e.g. request: {path: /v1/orders, query: {since: \"{{ window.start }}\"}}");
            return null;
        }
        ConfigObject r = node.get();
        boolean[] ok = {true};
        String method = r.string("method").orElse("GET").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            r.problem("method", "'" + method + "' is not a method this connector sends; use one of " + String.join(", ", METHODS));
            ok[0] = false;
        }
        String pathText = r.required("path", "/v1/orders");
        Template path = pathText == null ? null : parse(r, "path", pathText, roots, ok);
        var query = templates(r, "query", roots, ok);
        var headers = templates(r, "headers", roots, ok);
        Optional<JsonNode> body = r.json("body");
        var bodyTemplates = new LinkedHashMap<String, Template>();
        body.ifPresent(b -> collect(r, b, roots, bodyTemplates, ok));
        if (body.isPresent() && method.equals("GET"))
            r.problem("body", "a GET request has no body; set method: POST (or PUT) to send one");
        Set<Integer> empty = new TreeSet<>();
        r.strings("empty_statuses").ifPresent(list -> {
            for (String s : list) {
                try {
                    int code = Integer.parseInt(s.strip());
                    if (code < 200 || code > 599 || code == 401 || code == 403 || code == 429)
                        throw new NumberFormatException();
                    empty.add(code);
                } catch (NumberFormatException e) {
                    r.problem("empty_statuses", "'" + s + "' cannot be declared empty; list HTTP statuses such as 400 or 404 (not 401, 403 or 429, which the connection handles)");
                    ok[0] = false;
                }
            }
        });
        r.finish();
        if (!ok[0] || path == null)
            return null;
        return new RequestSpec(method, path, query, headers, body, bodyTemplates, empty);
    }

    /**
     * Reads {@code request:} of the HTTP sink: method (POST, PUT or PATCH; POST by default), path, query and
     * headers. The body is not part of it: the sink writes it from its own {@code body:}. Null (with problems
     * reported) when it is wrong.
     */
    static RequestSpec bindSend(ConfigObject owner, List<String> roots) {
        Optional<ConfigObject> node = owner.object("request");
        if (node.isEmpty()) {
            if (!owner.has("request"))
                owner.problem("missing required key 'request', e.g. request: {method: POST, path: /api/incidents}");
            return null;
        }
        ConfigObject r = node.get();
        boolean[] ok = {true};
        String method = r.string("method").orElse("POST").toUpperCase(Locale.ROOT);
        if (!SEND_METHODS.contains(method)) {
            r.problem("method", "'" + method + "' is not a method the http sink sends; use one of " + String.join(", ", SEND_METHODS));
            ok[0] = false;
        }
        String pathText = r.required("path", "/api/incidents");
        Template path = pathText == null ? null : parse(r, "path", pathText, roots, ok);
        var query = templates(r, "query", roots, ok);
        var headers = templates(r, "headers", roots, ok);
        if (r.has("body")) {
            r.problem("body", "the http sink's body is written beside request:, not in it, e.g. body: {records: \"{{ records }}\"}");
            ok[0] = false;
        }
        r.finish();
        if (!ok[0] || path == null)
            return null;
        return new RequestSpec(method, path, query, headers, Optional.empty(), Map.of(), Set.of());
    }

    private static Template parse(ConfigObject r, String key, String text, List<String> roots, boolean[] ok) {
        return Template.parse(text, roots, message -> {
            r.problem(key, message);
            ok[0] = false;
        });
    }

    private static Map<String, Template> templates(ConfigObject r, String key, List<String> roots, boolean[] ok) {
        var out = new LinkedHashMap<String, Template>();
        r.stringMap(key).ifPresent(m -> m.forEach((k, v) -> out.put(k, parse(r, key, v, roots, ok))));
        return out;
    }

    private static void collect(ConfigObject r, JsonNode n, List<String> roots, Map<String, Template> out, boolean[] ok) {
        if (n.isString()) {
            String s = n.asString();
            if (s.contains("{{"))
                out.putIfAbsent(s, parse(r, "body", s, roots, ok));
        } else {
            n.forEach(child -> collect(r, child, roots, out, ok));
        }
    }

    boolean uses(String root) {
        return path.uses(root) || query.values().stream().anyMatch(t -> t.uses(root))
                || headers.values().stream().anyMatch(t -> t.uses(root)) || bodyTemplates.values().stream().anyMatch(t -> t.uses(root));
    }

    /** The call for one request: every template filled in from {@code scope}. */
    HttpCall render(Template.Scope scope, Template.TimeFormat time, Map<String, String> extraQuery, String label) {
        String p = path.render(scope, time, true);
        var q = new LinkedHashMap<String, String>();
        query.forEach((k, t) -> q.put(k, t.render(scope, time, false)));
        q.putAll(extraQuery);
        var h = new LinkedHashMap<String, String>();
        headers.forEach((k, t) -> h.put(k, t.render(scope, time, false)));
        Optional<JsonNode> b = body.map(n -> fill(n, scope, time));
        return new HttpCall(method, p, q, h, b, emptyStatuses, label);
    }

    /** A text that tells two requests apart, for the answer cache. */
    static String identity(HttpCall call) {
        return call.method() + " " + call.pathOrUrl() + " " + call.query() + " " + call.jsonBody().map(JsonNode::toString).orElse("");
    }

    private JsonNode fill(JsonNode n, Template.Scope scope, Template.TimeFormat time) {
        if (n.isString()) {
            Template t = bodyTemplates.get(n.asString());
            return t == null ? n : t.renderJson(scope, time);
        }
        if (n.isObject()) {
            var o = JsonNodeFactory.instance.objectNode();
            n.properties().forEach(e -> o.set(e.getKey(), fill(e.getValue(), scope, time)));
            return o;
        }
        if (n.isArray()) {
            var a = JsonNodeFactory.instance.arrayNode();
            n.forEach(e -> a.add(fill(e, scope, time)));
            return a;
        }
        return n;
    }
}
