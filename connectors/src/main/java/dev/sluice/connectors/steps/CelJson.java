package dev.sluice.connectors.steps;

import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import com.google.common.primitives.UnsignedLong;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts record values to CEL values and back, for one evaluation. Objects become maps, arrays
 * lists, whole numbers int (a number beyond int's range becomes double), other numbers double, text
 * string, true and false bool, JSON null null. Back: timestamps become ISO-8601 text in UTC,
 * durations ISO-8601 text such as PT1H30M, bytes base64 text.
 *
 * <p>A value an expression passes through unchanged comes back as the exact JSON it was: the
 * converter remembers which CEL object it made from which JSON node, so a decimal such as
 * 0.1000000000000000055511 or an integer beyond 2^63 is not rounded by a round trip through double.
 * Not thread-safe: one per evaluation.
 */
final class CelJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final Map<Object, JsonNode> origins = new IdentityHashMap<>();

    /** Thrown when a result cannot be written as JSON; the message says why. */
    static final class NotJson extends RuntimeException {
        NotJson(String message) {
            super(message);
        }
    }

    Object toCel(JsonNode n) {
        Object v = switch (n.getNodeType()) {
            case OBJECT -> {
                var m = new LinkedHashMap<String, Object>();
                for (var e : n.properties())
                    m.put(e.getKey(), toCel(e.getValue()));
                yield Collections.unmodifiableMap(m);
            }
            case ARRAY -> {
                var l = new ArrayList<Object>(n.size());
                for (JsonNode item : n)
                    l.add(toCel(item));
                yield Collections.unmodifiableList(l);
            }
            case STRING -> n.stringValue();
            case BOOLEAN -> n.booleanValue();
            case NULL, MISSING -> NullValue.NULL_VALUE;
            case NUMBER -> n.isIntegralNumber() && n.canConvertToLong() ? (Object) n.longValue() : (Object) n.doubleValue();
            case BINARY -> Base64.getEncoder().encodeToString(n.binaryValue());
            default -> n.toString();
        };
        // Whole numbers that fit a long convert exactly and their boxes may be shared, so they are not remembered.
        if (n.isContainer() || (n.isNumber() && !(n.isIntegralNumber() && n.canConvertToLong())))
            origins.put(v, n);
        return v;
    }

    JsonNode toJson(Object v) {
        JsonNode origin = origins.get(v);
        if (origin != null)
            return origin.deepCopy();
        return switch (v) {
            case null -> F.nullNode();
            case NullValue ignored -> F.nullNode();
            case Boolean b -> F.booleanNode(b);
            case Long l -> F.numberNode(l);
            case Integer i -> F.numberNode((long) i);
            case UnsignedLong u -> F.numberNode(u.bigIntegerValue());
            case Double d -> {
                if (d.isNaN() || d.isInfinite())
                    throw new NotJson("the result " + d + " is not a number JSON can hold (NaN or infinity)");
                yield F.numberNode(d);
            }
            case String s -> F.stringNode(s);
            case Instant t -> F.stringNode(t.toString());
            case Duration d -> F.stringNode(d.toString());
            case CelByteString b -> F.stringNode(Base64.getEncoder().encodeToString(b.toByteArray()));
            case Map<?, ?> m -> {
                ObjectNode o = F.objectNode();
                for (var e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k))
                        throw new NotJson("a map key " + e.getKey() + " is not text; JSON objects have text keys");
                    o.set(k, toJson(e.getValue()));
                }
                yield o;
            }
            case List<?> l -> {
                ArrayNode a = F.arrayNode();
                for (Object item : l)
                    a.add(toJson(item));
                yield a;
            }
            case BigInteger b -> F.numberNode(b);
            default -> throw new NotJson("a value of type " + v.getClass().getSimpleName() + " cannot be written as JSON");
        };
    }
}
