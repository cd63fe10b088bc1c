package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the field paths of a step's configuration, reporting each bad one where it is written. */
final class FieldBinding {
    private FieldBinding() {
    }

    /**
     * A required list of field paths under {@code key}, such as {@code fields: [id, meta.lot]}. Empty
     * when it is missing or wrong (the problem is reported).
     */
    static Optional<List<FieldPath>> paths(ConfigObject config, String key, String example) {
        if (!config.has(key)) {
            config.problem("missing required key '" + key + "', e.g. " + key + ": " + example);
            return Optional.empty();
        }
        Optional<List<String>> texts = config.strings(key);
        if (texts.isEmpty())
            return Optional.empty();
        if (texts.get().isEmpty()) {
            config.problem(key, "must name at least one field, e.g. " + key + ": " + example);
            return Optional.empty();
        }
        var out = new ArrayList<FieldPath>();
        boolean ok = true;
        for (String t : texts.get()) {
            Optional<FieldPath> p = FieldPath.parse(t, m -> config.problem(key, m));
            if (p.isEmpty())
                ok = false;
            p.ifPresent(out::add);
        }
        return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
    }

    /** An optional single field path under {@code key}. */
    static Optional<FieldPath> path(ConfigObject config, String key) {
        return config.string(key).flatMap(t -> FieldPath.parse(t, m -> config.problem(key, m)));
    }

    /** A required single field path under {@code key}. */
    static Optional<FieldPath> requiredPath(ConfigObject config, String key, String example) {
        if (!config.has(key)) {
            config.problem("missing required key '" + key + "', e.g. " + key + ": " + example);
            return Optional.empty();
        }
        return path(config, key);
    }
}
