package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.util.List;
import java.util.Optional;

/**
 * {@code {type: dedupe, key: [lot, step_id]}}: passes the first record of each key in a window and
 * leaves out the later ones (counted as rejected). Only first-wins is possible: a step hands each
 * page on before the next is read, so it cannot take back a record it passed.
 */
public final class DedupeStepProvider implements StepProvider {
    static final long DEFAULT_MAX_KEYS = 10_000_000;

    @Override
    public String type() {
        return "dedupe";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        Optional<List<FieldPath>> key = FieldBinding.paths(config, "key", "[lot, step_id]");
        Optional<String> keep = config.string("keep");
        boolean ok = true;
        if (keep.isPresent() && !keep.get().equals("first")) {
            config.problem("keep", keep.get().equals("last")
                    ? "keep: last cannot be done by a step: a page's records are handed on before the next page is read, so a later "
                    + "duplicate cannot replace one already passed; keep: first, or let a sink that upserts by key keep the last"
                    : "'" + keep.get() + "' is not valid; use first");
            ok = false;
        }
        long maxKeys = config.integer("max_keys", 1, Long.MAX_VALUE).orElse(DEFAULT_MAX_KEYS);
        if (key.isEmpty() || !ok)
            return null;
        return new DedupeStep(name, key.get(), maxKeys);
    }
}
