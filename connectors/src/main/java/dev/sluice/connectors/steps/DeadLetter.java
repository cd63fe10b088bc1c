package dev.sluice.connectors.steps;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.PipelineId;
import dev.sluice.core.window.Window;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A record a step rejected, with why, where and when: one line of a dead-letter file, one row of a dead-letter table. */
record DeadLetter(PipelineId pipeline, String step, Window window, long position, Optional<String> key, List<String> reasons,
                  Instant rejectedAt, JsonNode record) {
    DeadLetter {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(step, "step is null");
        requireNonNull(window, "window is null");
        requireNonNull(key, "key is null");
        reasons = List.copyOf(reasons);
        requireNonNull(rejectedAt, "rejectedAt is null");
        requireNonNull(record, "record is null");
    }

    ObjectNode toJson() {
        var f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("pipeline", pipeline.value());
        o.put("step", step);
        o.put("window_start", window.startText());
        o.put("window_end", window.endText());
        o.put("position", position);
        key.ifPresent(k -> o.put("key", k));
        o.put("rejected_at", rejectedAt.toString());
        o.set("reasons", reasonsJson());
        o.set("record", record);
        return o;
    }

    tools.jackson.databind.node.ArrayNode reasonsJson() {
        var a = JsonNodeFactory.instance.arrayNode();
        reasons.forEach(a::add);
        return a;
    }
}
