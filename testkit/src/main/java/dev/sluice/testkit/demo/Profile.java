package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which API a {@link DemoApi} pretends to be. Both share the server, authentication, rate limit, latency, faults,
 * statistics and the inbox; only the data endpoints differ.
 */
public enum Profile {
    /** The records of {@link DemoData} with every pagination style, and the lookups by id and lot. */
    DEMO,
    /** The four dependent APIs of a MasterControl system over {@link MasterControlData}; see {@link MasterControlRoutes}. */
    MASTERCONTROL;

    /** The name a command line uses: {@code mastercontrol}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Profile parse(String label) {
        requireNonNull(label, "label is null");
        String normal = label.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (Profile profile : values())
            if (profile.label().equals(normal))
                return profile;
        throw new IllegalArgumentException("unknown profile '" + label + "'; use one of "
                + Arrays.stream(values()).map(Profile::label).collect(Collectors.joining(", ")));
    }
}
