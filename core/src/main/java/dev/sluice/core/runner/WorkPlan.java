package dev.sluice.core.runner;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.PipelineId;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Plan;
import dev.sluice.core.window.Planner;
import dev.sluice.core.window.SnapshotWindow;
import dev.sluice.core.window.Window;
import dev.sluice.core.window.WindowSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an incremental run will do, worked out from the books: the failed or interrupted windows
 * beyond the watermark first, then new windows planned from the frontier (the end of the last window
 * on the books), at most {@code max_windows} in all. {@code sluice plan} prints it; the runner runs it.
 *
 * @param base      where the contiguous run of windows starts: the watermark, else the configured
 *                  start; with a target day never before the day's start
 * @param succeeded windows beyond the base that already succeeded (out of order, after a failure)
 */
public record WorkPlan(
        Optional<Position> watermark,
        Position base,
        List<Window> retries,
        List<Window> succeeded,
        Plan plan,
        List<Window> windows,
        String note) {
    public WorkPlan {
        requireNonNull(watermark, "watermark is null");
        retries = List.copyOf(retries);
        succeeded = List.copyOf(succeeded);
        requireNonNull(plan, "plan is null");
        windows = List.copyOf(windows);
        requireNonNull(note, "note is null");
    }

    public static WorkPlan fromBooks(WindowSettings s, StateStore store, PipelineId id, Instant now) {
        return from(s, store.watermark(id, s.cursor()), watermark -> store.entriesFrom(id, s.cursor(), watermark), now);
    }

    /** The plan for a watermark alone, as if the books held nothing beyond it. */
    public static WorkPlan fromWatermark(WindowSettings s, Optional<Position> watermark, Instant now) {
        return from(s, watermark, base -> List.of(), now);
    }

    interface Ledger {
        List<LedgerEntry> entriesFrom(Position base);
    }

    static WorkPlan from(WindowSettings s, Optional<Position> watermark, Ledger ledger, Instant now) {
        if (s.cursor() == CursorKind.NONE) {
            var snapshot = List.<Window>of(new SnapshotWindow(now));
            return new WorkPlan(watermark, Position.ofInstant(now), List.of(), List.of(),
                    new Plan(snapshot, Plan.Outcome.WINDOWS, "a snapshot"), snapshot, "a snapshot");
        }
        Position base = base(s, watermark, now);
        var retries = new ArrayList<Window>();
        var succeeded = new ArrayList<Window>();
        Position frontier = base;
        for (LedgerEntry e : ledger.entriesFrom(base)) {
            if (e.status() == WindowStatus.SUCCEEDED)
                succeeded.add(e.window());
            else
                retries.add(e.window());
            if (e.window().endKey() > frontier.key())
                frontier = Position.endOf(e.window());
        }
        Plan plan = s.cursor() == CursorKind.TIME
                ? Planner.plan(s, Optional.of(frontier.instant()), Optional.empty(), now)
                : Planner.plan(s, Optional.empty(), Optional.of(frontier.id()), now);
        var windows = new ArrayList<Window>(retries);
        windows.addAll(plan.windows());
        int max = s.maxWindows().orElse(Integer.MAX_VALUE);
        List<Window> todo = windows.size() > max ? windows.subList(0, max) : windows;
        String note = retries.isEmpty() ? plan.message()
                : "retrying " + retries.size() + " failed or interrupted window(s) first; then " + plan.message();
        return new WorkPlan(watermark, base, retries, succeeded, plan, todo, note);
    }

    private static Position base(WindowSettings s, Optional<Position> watermark, Instant now) {
        if (s.cursor() == CursorKind.ID)
            return watermark.orElseGet(() -> Position.ofId(s.startId().orElseThrow()));
        if (s.targetDayBack().isPresent()) {
            Instant dayStart = Planner.targetDay(now, s.targetDayBack().get(), s.zone()).atStartOfDay(s.zone()).toInstant();
            return watermark.filter(w -> !w.instant().isBefore(dayStart)).orElse(Position.ofInstant(dayStart));
        }
        return watermark.orElseGet(() -> Position.ofInstant(s.startTime().orElseThrow()));
    }
}
