package dev.sluice.server.alert;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.runner.FailedKey;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.window.Window;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what one run of a pipeline does into alerts, and passes every event on to another listener:
 *
 * <ul>
 *   <li>a window that fails (not one stopped by a shutdown), or a run that fails before its windows,
 *       raises {@link Condition#WINDOW_FAILED};
 *   <li>records left out as failed keys because a request failed after its retries raise
 *       {@link Condition#REQUESTS_FAILED}, critical when the API was unavailable;
 *   <li>{@link #finished} clears each condition the run shows to be over: {@code WINDOW_FAILED} when
 *       windows succeeded and none failed, {@code REQUESTS_FAILED} when windows succeeded and no request
 *       failed. A run with nothing to do clears nothing.
 * </ul>
 *
 * One instance per run; {@code sluice serve} watches every run with one, and {@code sluice run
 * --settings} the run it makes. A muted pipeline's events are passed on without alerts.
 */
public final class RunAlerts implements RunListener {
    private static final int KEYS_SHOWN = 10;

    private final Alerter alerter;
    private final String pipeline;
    private final boolean muted;
    private final Clock clock;
    private final RunListener next;
    private volatile boolean requestsFailed;

    public RunAlerts(Alerter alerter, String pipeline, boolean muted, Clock clock, RunListener next) {
        this.alerter = requireNonNull(alerter, "alerter is null");
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.muted = muted;
        this.clock = requireNonNull(clock, "clock is null");
        this.next = requireNonNull(next, "next is null");
    }

    @Override
    public void runStarted(RunRecord run) {
        next.runStarted(run);
    }

    @Override
    public void planned(List<Window> windows, String note) {
        next.planned(windows, note);
    }

    @Override
    public void windowStarted(Window window) {
        next.windowStarted(window);
    }

    @Override
    public void windowCommitted(Window window, Counts counts) {
        next.windowCommitted(window, counts);
    }

    @Override
    public void windowFailed(Window window, SluiceException error) {
        next.windowFailed(window, error);
        if (error.code() != ErrorCode.RUN_INTERRUPTED)
            runFailed(error, Map.of("window", window.toString()));
    }

    @Override
    public void keysFailed(Window window, List<FailedKey> keys) {
        next.keysFailed(window, keys);
        List<FailedKey> requests = keys.stream().filter(FailedKey::requestFailed).toList();
        if (requests.isEmpty())
            return;
        requestsFailed = true;
        if (muted)
            return;
        FailedKey first = requests.getFirst();
        boolean down = requests.stream().anyMatch(k -> k.code() == ErrorCode.SOURCE_UNAVAILABLE);
        var details = new LinkedHashMap<String, String>();
        details.put("window", window.toString());
        details.put("failed_keys", Integer.toString(requests.size()));
        details.put("keys", String.join(", ", requests.stream().limit(KEYS_SHOWN).map(FailedKey::key).toList())
                + (requests.size() > KEYS_SHOWN ? ", ..." : ""));
        details.put("code", first.code().name());
        String summary = requests.size() + (requests.size() == 1 ? " record" : " records") + " of window " + window
                + " left out because a request failed after its retries; key " + first.key() + ": " + first.reason();
        alerter.raise(Condition.REQUESTS_FAILED, pipeline, down ? Severity.CRITICAL : Severity.WARNING, Optional.of(first.errorId()),
                summary, details, clock.instant());
    }

    /** The run failed as a whole (before or around its windows), with these details for the message. */
    public void runFailed(SluiceException error, Map<String, String> details) {
        if (muted)
            return;
        var all = new LinkedHashMap<>(details);
        all.put("code", error.code().name());
        alerter.raise(Condition.WINDOW_FAILED, pipeline, Severity.CRITICAL, Optional.of(error.errorId()), error.getMessage(), all,
                clock.instant());
    }

    /** The run ended with this result: clears the conditions it shows to be over. */
    public void finished(RunResult result) {
        if (result.windowsSucceeded() == 0)
            return;
        if (result.windowsFailed() == 0)
            alerter.clear(Condition.WINDOW_FAILED, pipeline, clock.instant());
        if (!requestsFailed)
            alerter.clear(Condition.REQUESTS_FAILED, pipeline, clock.instant());
    }
}
