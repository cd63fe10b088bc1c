package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the keys of a pipeline stand, from each key's latest status: how many succeeded and failed, and
 * for succeeded keys which request of each step answered them, such as {@code "metadata: data-captures"
 * -> 250}. This is how often a fallback was needed.
 */
public record KeyTally(long succeeded, long failed, Map<String, Long> answeredBy) {
    public static final KeyTally NONE = new KeyTally(0, 0, Map.of());

    public KeyTally {
        requireNonNull(answeredBy, "answeredBy is null");
        if (succeeded < 0 || failed < 0)
            throw new IllegalArgumentException("counts must not be negative: " + succeeded + "/" + failed);
        answeredBy = Collections.unmodifiableMap(new TreeMap<>(answeredBy)); // in request order, for people
    }

    /** A group of keys with the same outcome and the same {@link KeyStatus#answeredBy()}, and their number. */
    public record Group(KeyStatus.KeyOutcome outcome, Optional<String> answeredBy, long keys) {
        public Group {
            requireNonNull(outcome, "outcome is null");
            requireNonNull(answeredBy, "answeredBy is null");
        }
    }

    /**
     * Adds up groups of keys. An answered-by text names each step's answer, {@code "captures: primary;
     * metadata: data-captures"}: each part is counted on its own.
     */
    public static KeyTally of(List<Group> groups) {
        long ok = 0, failed = 0;
        var answers = new TreeMap<String, Long>();
        for (Group g : groups) {
            if (g.outcome() == KeyStatus.KeyOutcome.FAILED) {
                failed += g.keys();
                continue;
            }
            ok += g.keys();
            g.answeredBy().ifPresent(text -> {
                for (String part : text.split("; "))
                    if (!part.isBlank())
                        answers.merge(part.strip(), g.keys(), Long::sum);
            });
        }
        return new KeyTally(ok, failed, answers);
    }
}
