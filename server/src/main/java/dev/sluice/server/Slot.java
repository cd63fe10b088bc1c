package dev.sluice.server;

import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.state.PipelineSwitch;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.WindowStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One pipeline of the service: the version of its file that runs, its place in the schedule, and the
 * run in progress. At most one run per slot: {@link #claim} is the only way to start one.
 */
final class Slot {
    final String name;
    volatile PipelineConfig config;
    /** The text of the file {@code config} was loaded from (the file itself may hold a refused newer version). */
    volatile String text;
    volatile Path file;
    /** A newer version of the file that did not validate: it does not run, the version before it does. */
    volatile Optional<String> refusedChange = Optional.empty();
    volatile Optional<PipelineSwitch> override = Optional.empty();
    volatile Optional<Position> watermark = Optional.empty();
    volatile Instant loadedAt;
    /** The books' last run and window counts, read again after each run so that listing pipelines costs no query. */
    volatile Optional<RunRecord> lastRun = Optional.empty();
    volatile Map<WindowStatus, Long> windowCounts = Map.of();
    volatile Instant refreshedAt;

    /** The due time of the last scheduled run (its nominal time, before jitter). */
    volatile Optional<Instant> lastDue = Optional.empty();
    /** The nominal due time of the next scheduled run, and when it starts (with jitter); null: not computed. */
    volatile Instant nextDue;
    volatile Instant nextStart;

    private final AtomicReference<Active> active = new AtomicReference<>();

    /** A run in progress: what it is, why it started, and how to stop it. */
    static final class Active {
        final String kind;
        final String reason;
        final Instant startedAt;
        final StopSignal stop = new StopSignal();
        final Optional<Instant> due;
        volatile Long runId;

        Active(String kind, String reason, Instant startedAt, Optional<Instant> due) {
            this.kind = kind;
            this.reason = reason;
            this.startedAt = startedAt;
            this.due = due;
        }
    }

    Slot(String name, PipelineConfig config, String text, Path file, Instant loadedAt) {
        this.name = name;
        this.config = config;
        this.text = text;
        this.file = file;
        this.loadedAt = loadedAt;
    }

    /** Takes the slot for a run; empty when a run is already going. */
    Optional<Active> claim(String kind, String reason, Instant now, Optional<Instant> due) {
        var a = new Active(kind, reason, now, due);
        return active.compareAndSet(null, a) ? Optional.of(a) : Optional.empty();
    }

    void release(Active a) {
        active.compareAndSet(a, null);
    }

    Optional<Active> active() {
        return Optional.ofNullable(active.get());
    }

    /**
     * Whether the pipeline runs on its schedule: the API's switch when one was set since the file's
     * {@code enabled:} last changed, else the file's {@code enabled:}.
     */
    boolean enabled() {
        boolean inFile = config.service().enabled();
        return override.filter(o -> o.fileEnabled() == inFile).map(PipelineSwitch::enabled).orElse(inFile);
    }

    /** Where the enabled state comes from, for the API: {@code file} or {@code api}. */
    String enabledBy() {
        boolean inFile = config.service().enabled();
        return override.filter(o -> o.fileEnabled() == inFile).isPresent() ? "api" : "file";
    }
}
