package dev.sluice.server;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The service's openapi.yaml, and validation of answers against the schemas it declares. */
final class OpenApi {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    final JsonNode document;

    OpenApi() {
        try (InputStream in = OpenApi.class.getResourceAsStream(Api.OPENAPI)) {
            document = YAMLMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every (method, path) the file describes, as "GET /api/v1/health". */
    List<String> operations() {
        var out = new ArrayList<String>();
        document.get("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
            if (List.of("get", "post", "put", "delete", "patch").contains(op.getKey()))
                out.add(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
        }));
        return out;
    }

    /** The problems of {@code body} against the schema of the answer {@code status} to {@code method path}; empty when it conforms. */
    List<String> check(String method, String path, int status, String contentType, JsonNode body) {
        JsonNode op = document.path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT));
        if (op.isMissingNode())
            return List.of(method + " " + path + " is not in openapi.yaml");
        JsonNode response = op.path("responses").path(Integer.toString(status));
        if (response.isMissingNode())
            return List.of("status " + status + " of " + method + " " + path + " is not in openapi.yaml");
        if (response.has("$ref"))
            response = at(response.get("$ref").asString());
        JsonNode schema = response.path("content").path(contentType).path("schema");
        if (schema.isMissingNode())
            return List.of("openapi.yaml declares no " + contentType + " content for status " + status + " of " + method + " " + path);
        // The whole document with a $ref at its root to the answer's schema, so that #/components/... resolve in it.
        ObjectNode root = (ObjectNode) document.deepCopy();
        root.put("$ref", pointerOf(method, path, status, response == op.path("responses").path(Integer.toString(status)), contentType));
        Schema compiled = REGISTRY.getSchema(root);
        return compiled.validate(body).stream().map(Error::toString).toList();
    }

    private String pointerOf(String method, String path, int status, boolean inline, String contentType) {
        JsonNode response = document.path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT)).path("responses").path(Integer.toString(status));
        String base = inline ? "#/paths/" + escape(path) + "/" + method.toLowerCase(java.util.Locale.ROOT) + "/responses/" + status
                : response.get("$ref").asString();
        return base + "/content/" + escape(contentType) + "/schema";
    }

    private JsonNode at(String ref) {
        return document.at(ref.substring(1));
    }

    private static String escape(String s) {
        return s.replace("~", "~0").replace("/", "~1");
    }
}
