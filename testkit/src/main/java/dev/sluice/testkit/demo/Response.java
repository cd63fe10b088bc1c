package dev.sluice.testkit.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** An answer before it is sent, so that a fault can still change how it goes out. Always JSON. */
record Response(int status, Map<String, String> headers, byte[] body) {
    Response {
        headers = Map.copyOf(headers);
    }

    static Response json(int status, JsonNode body) {
        return new Response(status, Map.of(), JsonMapper.shared().writeValueAsBytes(body));
    }

    static Response error(int status, String message) {
        return json(status, JsonNodeFactory.instance.objectNode().put("error", message));
    }

    Response withHeader(String name, String value) {
        var more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Response(status, more, body);
    }

    /** Thrown while reading a request that cannot be answered; becomes a 400 with the message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
