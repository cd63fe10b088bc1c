package dev.sluice.core.runner;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.KeyResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of each key in one window attempt, across all steps: a key fails if any step failed it,
 * and its status names every step's answer ("details: primary; lots: fallback 1") or failure.
 * Used by one thread, the window's.
 */
final class KeyBook {
    private final Map<String, Entry> keys = new LinkedHashMap<>();

    void add(String step, List<KeyResult> results) {
        for (KeyResult r : results) {
            Entry e = keys.computeIfAbsent(r.key(), k -> new Entry());
            if (r.succeeded()) {
                r.answeredBy().ifPresent(a -> e.answered.add(step + ": " + a));
            } else {
                e.failures.add(step + ": " + r.reason().orElseThrow());
                if (e.code == null)
                    e.code = r.code().orElseThrow();
            }
        }
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    List<Outcome> outcomes() {
        var out = new ArrayList<Outcome>(keys.size());
        keys.forEach((key, e) -> out.add(new Outcome(key, e.failures.isEmpty(),
                e.answered.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", e.answered)),
                String.join("; ", e.failures), e.code == null ? ErrorCode.STEP_FAILED : e.code)));
        return out;
    }

    record Outcome(String key, boolean succeeded, Optional<String> answeredBy, String reason, ErrorCode code) {
    }

    private static final class Entry {
        final List<String> answered = new ArrayList<>(1);
        final List<String> failures = new ArrayList<>(0);
        ErrorCode code;
    }
}
