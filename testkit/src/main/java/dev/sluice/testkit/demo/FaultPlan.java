package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults of a running demo API, in the order they were added. For each request the first fault that applies
 * to its path and is due fires; the others wait. Safe to change while requests are being answered.
 */
public final class FaultPlan {
    private final List<Armed> armed = new CopyOnWriteArrayList<>();

    public FaultPlan add(Fault fault) {
        armed.add(new Armed(requireNonNull(fault, "fault is null")));
        return this;
    }

    /** Adds {@link Fault#parse(String) Fault.parse(spec)}. */
    public FaultPlan add(String spec) {
        return add(Fault.parse(spec));
    }

    public List<Fault> faults() {
        return armed.stream().map(a -> a.fault).toList();
    }

    /** How many times the fault at this position (in the order added) has fired. */
    public long fired(int position) {
        return armed.get(position).fired.get();
    }

    public void clear() {
        armed.clear();
    }

    /** Picks the fault for one request and counts it as fired. */
    Optional<Fault> next(String path, boolean cursorStyle) {
        for (Armed a : armed) {
            if (!a.fault.appliesTo(path, cursorStyle) || a.seen.incrementAndGet() % a.fault.every() != 0)
                continue;
            long times = a.fault.times();
            // Claiming and counting in one step keeps concurrent requests from firing a fault more than `times`.
            if (a.fired.getAndUpdate(n -> n < times ? n + 1 : n) < times)
                return Optional.of(a.fault);
        }
        return Optional.empty();
    }

    private static final class Armed {
        final Fault fault;
        final AtomicLong seen = new AtomicLong();
        final AtomicLong fired = new AtomicLong();

        Armed(Fault fault) {
            this.fault = fault;
        }
    }
}
