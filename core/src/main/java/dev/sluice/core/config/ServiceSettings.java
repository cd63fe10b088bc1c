package dev.sluice.core.config;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.schedule.Schedule;
import dev.sluice.core.window.Span;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@code sluice serve} treats a pipeline: the top-level keys {@code schedule}, {@code enabled} and
 * {@code alerts} of its file. Other commands ignore them.
 *
 * @param schedule   when to run it; empty: only when asked (API or dashboard)
 * @param enabled    false: the service loads and shows the pipeline but does not run it on its schedule
 * @param lagWarning alert with severity warning when now minus the watermark passes this; empty: no such alert
 * @param lagCritical alert with severity critical when now minus the watermark passes this; empty: no such alert
 * @param muted      true: no alerts at all for this pipeline
 */
public record ServiceSettings(
        Optional<Schedule> schedule,
        boolean enabled,
        Optional<Duration> lagWarning,
        Optional<Duration> lagCritical,
        boolean muted) {
    /** Without any of the keys: no schedule, enabled, no lag alerts, not muted. */
    public static final ServiceSettings DEFAULT = new ServiceSettings(Optional.empty(), true, Optional.empty(), Optional.empty(), false);

    public ServiceSettings {
        requireNonNull(schedule, "schedule is null");
        requireNonNull(lagWarning, "lagWarning is null");
        requireNonNull(lagCritical, "lagCritical is null");
        lagWarning.ifPresent(d -> requirePositive(d, "warning"));
        lagCritical.ifPresent(d -> requirePositive(d, "critical"));
        if (lagWarning.isPresent() && lagCritical.isPresent() && lagWarning.get().compareTo(lagCritical.get()) >= 0)
            throw new IllegalArgumentException("the lag warning " + Span.ofDuration(lagWarning.get()) + " must be shorter than the "
                    + "critical lag " + Span.ofDuration(lagCritical.get()) + ": the warning comes first, e.g. lag: {warning: 2h, critical: 6h}");
    }

    private static void requirePositive(Duration d, String which) {
        if (d.isNegative() || d.isZero())
            throw new IllegalArgumentException("the " + which + " lag must be more than zero, e.g. " + which + ": 2h");
    }
}
