package dev.sluice.server;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.config.ServiceSettings;
import dev.sluice.core.runner.Cleanup;
import dev.sluice.core.runner.CleanupReport;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.schedule.Schedule;
import dev.sluice.core.spi.ConnectionStats;
import dev.sluice.core.spi.ObservedConnections;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.PipelineSwitch;
import dev.sluice.core.state.RunKind;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Window;
import dev.sluice.server.alert.Alerter;
import dev.sluice.server.alert.Condition;
import dev.sluice.server.alert.RunAlerts;
import dev.sluice.server.alert.Severity;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sluice serve}: the pipelines of a folder, each run on its schedule, never two runs of one
 * pipeline at once. One control thread reads the folder for changes every {@code reload} and starts
 * the runs that are due; runs go on virtual threads, at most {@code max_concurrent_runs} at a time.
 *
 * <p>Scheduling: a pipeline's next due time comes from its schedule and the due time of its last
 * scheduled run (read from the books at start). A run still going when the next one is due is not
 * doubled: the due time waits, and the run starts once when the one before it ends. After downtime a
 * missed schedule runs once, not once per missed tick ({@link Schedule#due}).
 *
 * <p>{@link #tick(Instant)} and {@link #reload()} are what the control thread does; tests call them
 * directly with instants of their choosing.
 */
public final class Service implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Service.class);

    private final ServeSettings settings;
    private final PipelineCatalog catalog;
    private final Clock clock;
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final Alerter alerts;
    private final String holder = Leases.currentHolder();
    private final Random jitter = new Random();
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<Path, String> invalid = new ConcurrentHashMap<>();
    private final Map<String, StateStore> stores = new ConcurrentHashMap<>();
    /** Conditions raised and not yet cleared, by pipeline and what: the severity last raised. */
    private final Map<String, Severity> raised = new ConcurrentHashMap<>();
    private final ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore permits;
    private volatile boolean stopping;
    private volatile Thread control;
    private Instant nextReload = Instant.MIN;
    private Instant nextCleanup;

    Service(ServeSettings settings, Path folder, ConfigLoader loader, Clock clock, Alerter alerts) {
        this.settings = settings;
        this.catalog = new PipelineCatalog(folder, loader);
        this.clock = clock;
        this.alerts = alerts;
        this.permits = new Semaphore(settings.maxConcurrentRuns());
    }

    ServiceMetrics metrics() {
        return metrics;
    }

    ServeSettings settings() {
        return settings;
    }

    Clock clock() {
        return clock;
    }

    Path folder() {
        return catalog.folder();
    }

    /** Loads the folder and starts the control thread. */
    public void start() {
        reload();
        Thread t = Thread.ofPlatform().name("sluice-scheduler").daemon(true).unstarted(this::loop);
        control = t;
        t.start();
    }

    private void loop() {
        while (!stopping) {
            Instant now = clock.instant();
            try {
                if (!now.isBefore(nextReload)) {
                    reload();
                    nextReload = now.plus(settings.reload());
                }
                tick(now);
            } catch (RuntimeException e) {
                log.atError().log("the scheduler's pass failed and is tried again: {}", e.toString());
            }
            Instant wake = nextReload;
            for (Slot s : slots.values())
                if (s.nextStart != null && s.nextStart.isBefore(wake))
                    wake = s.nextStart;
            long nanos = Math.max(1_000_000L, Math.min(Duration.between(clock.instant(), wake).toNanos(), 1_000_000_000L));
            LockSupport.parkNanos(this, nanos);
        }
    }

    /** Wakes the control thread, for a change that may start a run (a run ended, a switch was set). */
    void wake() {
        Thread t = control;
        if (t != null)
            LockSupport.unpark(t);
    }

    // ---------------------------------------------------------------------------------------------- folder

    /** Reads the folder and applies what changed. */
    synchronized void reload() {
        Instant now = clock.instant();
        for (PipelineCatalog.Change change : catalog.scan()) {
            switch (change) {
                case PipelineCatalog.Loaded l -> loaded(l.file(), l.text(), l.config(), now);
                case PipelineCatalog.Invalid i -> refused(i.file(), i.problem());
                case PipelineCatalog.Removed r -> removed(r.file());
            }
        }
    }

    private void loaded(Path file, String text, PipelineConfig config, Instant now) {
        String name = config.id().value();
        Slot existing = slots.get(name);
        if (existing != null && !existing.file.equals(file)) {
            refused(file, file.getFileName() + ": the pipeline name '" + name + "' is already used by " + existing.file.getFileName()
                    + "; give each pipeline its own name:");
            return;
        }
        // The file may have named another pipeline before.
        slotOf(file).filter(s -> !s.name.equals(name)).ifPresent(old -> drop(old));
        invalid.remove(file);
        if (existing != null) {
            voidSwitchIfFileChanged(existing, config);
            existing.config = config;
            existing.text = text;
            existing.refusedChange = Optional.empty();
            existing.loadedAt = now;
            existing.nextDue = null;
            existing.nextStart = null;
            log.atInfo().addKeyValue("pipeline", name).log("reloaded {}", file.getFileName());
            return;
        }
        var slot = new Slot(name, config, text, file, now);
        try {
            StateStore store = store(config);
            slot.override = store.pipelineSwitch(config.id());
            slot.lastDue = store.runs(config.id(), 20).stream().filter(r -> r.kind() == RunKind.RUN).findFirst().map(RunRecord::startedAt);
        } catch (SluiceException e) {
            log.atWarn().addKeyValue("pipeline", name).addKeyValue("error_id", e.errorId()).log("cannot read the books yet: {}", e.getMessage());
        }
        refresh(slot, config);
        slots.put(name, slot);
        metrics.pipeline(name, slot, s -> lagSeconds(s).orElse(Double.NaN), s -> s.enabled() ? 1 : 0, s -> s.active().isPresent() ? 1 : 0);
        log.atInfo().addKeyValue("pipeline", name).log("loaded {}", file.getFileName());
    }

    /** An edit of the file's {@code enabled:} is a newer decision than the API's switch: the switch goes. */
    private void voidSwitchIfFileChanged(Slot slot, PipelineConfig config) {
        if (slot.override.isPresent() && slot.override.get().fileEnabled() != config.service().enabled()) {
            store(config).clearPipelineSwitch(config.id());
            slot.override = Optional.empty();
            log.atInfo().addKeyValue("pipeline", slot.name).log("the file's enabled: changed; it replaces the switch set through the API");
        }
    }

    private void refused(Path file, String problem) {
        Optional<Slot> slot = slotOf(file);
        if (slot.isPresent()) {
            slot.get().refusedChange = Optional.of(problem);
            log.atWarn().addKeyValue("pipeline", slot.get().name).log("a change of {} was refused; the version before it keeps running: {}",
                    file.getFileName(), problem);
        } else {
            invalid.put(file, problem);
            log.atWarn().log("{} is skipped: {}", file.getFileName(), problem);
        }
    }

    private void removed(Path file) {
        invalid.remove(file);
        slotOf(file).ifPresent(this::drop);
    }

    /** Takes a pipeline out of the service; a run in progress goes on to its end. */
    private void drop(Slot slot) {
        slots.remove(slot.name, slot);
        metrics.forget(slot.name);
        // A file refused because it used this pipeline's name may load now: read the refused files again.
        invalid.keySet().forEach(catalog::forget);
        log.atInfo().addKeyValue("pipeline", slot.name).log("{} is gone; the pipeline is no longer scheduled", slot.file.getFileName());
    }

    private Optional<Slot> slotOf(Path file) {
        return slots.values().stream().filter(s -> s.file.equals(file)).findFirst();
    }

    // ---------------------------------------------------------------------------------------------- schedule

    /** Starts the runs due at {@code now}, checks lag and circuits for alerts, and cleans up when that is due. */
    void tick(Instant now) {
        if (stopping)
            return;
        cleanupIfDue(now);
        for (Slot slot : slots.values()) {
            schedule(slot, now);
            if (slot.active().isEmpty() && (slot.refreshedAt == null || slot.refreshedAt.isBefore(now.minusSeconds(30))))
                refresh(slot, slot.config);
            watch(slot, now);
        }
    }

    private void schedule(Slot slot, Instant now) {
        ServiceSettings service = slot.config.service();
        if (!slot.enabled() || service.schedule().isEmpty()) {
            slot.nextDue = null;
            slot.nextStart = null;
            return;
        }
        if (slot.active().isPresent())
            return; // not doubled: the due time waits for the run in progress
        Schedule schedule = service.schedule().get();
        if (slot.nextDue == null) {
            Instant due = schedule.due(slot.lastDue, now);
            slot.nextDue = due;
            slot.nextStart = due.plus(schedule.randomDelay(jitter));
        }
        if (now.isBefore(slot.nextStart))
            return;
        Instant due = slot.nextDue;
        boolean missed = slot.nextStart.isBefore(now.minus(settings.reload().plusSeconds(1)));
        String reason = missed ? "scheduled for " + due + ", started late (missed while the service was busy or stopped)" : "scheduled for " + due;
        Optional<Slot.Active> a = slot.claim("run", reason, now, Optional.of(due));
        if (a.isEmpty())
            return;
        metrics.scheduledRunStarted(Duration.between(slot.nextStart, now));
        slot.lastDue = Optional.of(due);
        slot.nextDue = null;
        slot.nextStart = null;
        launch(slot, a.get(), r -> r.run(reason));
    }

    // ---------------------------------------------------------------------------------------------- runs

    /** Why an action was not taken. */
    static final class Refused extends RuntimeException {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** What an accepted action started. */
    record Started(String pipeline, String action, Instant at) {
    }

    Started runNow(String name, String reason) {
        return act(name, "run", reason, r -> r.run(reason + " (requested through the API)"));
    }

    Started replay(String name, boolean keys) {
        return keys ? act(name, "replay", "replay of failed keys", Runner::replayFailedKeys)
                : act(name, "replay", "replay of failed windows", Runner::replayFailedWindows);
    }

    Started backfill(String name, String from, String to) {
        Slot slot = slot(name);
        CursorKind cursor = slot.config.windows().cursor();
        if (cursor == CursorKind.NONE)
            throw new Refused(409, "NOT_BACKFILLABLE", "pipeline '" + name + "' has cursor: none, so it has no ranges to backfill; run it instead");
        var f = position(cursor, "from", from);
        var t = position(cursor, "to", to);
        if (f.key() >= t.key())
            throw new Refused(400, "BAD_REQUEST", "from " + from + " must be before to " + to);
        return act(name, "backfill", "backfill from " + from + " to " + to, r -> r.backfill(f, t));
    }

    private static dev.sluice.core.state.Position position(CursorKind cursor, String what, String text) {
        if (text == null || text.isBlank())
            throw new Refused(400, "BAD_REQUEST", "'" + what + "' is missing; give the range as {\"from\": ..., \"to\": ...}"
                    + (cursor == CursorKind.TIME ? " with ISO-8601 instants such as 2025-07-01T00:00:00Z" : " with ids"));
        try {
            return dev.sluice.core.state.Position.parse(cursor, text);
        } catch (RuntimeException e) {
            throw new Refused(400, "BAD_REQUEST", "'" + what + "' " + text + " is not a " + cursor.label() + " position: "
                    + (cursor == CursorKind.TIME ? "write an ISO-8601 instant such as 2025-07-01T00:00:00Z" : "write a whole number"));
        }
    }

    private Started act(String name, String kind, String reason, Function<Runner, RunResult> what) {
        if (stopping)
            throw new Refused(503, "STOPPING", "the service is stopping; try again after it restarts");
        Slot slot = slot(name);
        Instant now = clock.instant();
        Slot.Active a = slot.claim(kind, reason + " (requested through the API)", now, Optional.empty()).orElseThrow(() -> {
            Slot.Active running = slot.active().orElseThrow();
            return new Refused(409, "RUN_IN_PROGRESS", "pipeline '" + name + "' is running (" + running.kind + ", since " + running.startedAt
                    + (running.runId == null ? "" : ", run " + running.runId) + "); try again when it ends");
        });
        launch(slot, a, what);
        return new Started(name, kind, now);
    }

    private void launch(Slot slot, Slot.Active active, Function<Runner, RunResult> what) {
        runs.submit(() -> {
            PipelineConfig config = slot.config;
            String name = slot.name;
            long t0 = System.nanoTime();
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                slot.release(active);
                return;
            }
            var watch = new RunAlerts(alerts, name, config.service().muted(), clock, listener(slot, active));
            try {
                StateStore store = store(config);
                var runner = new Runner(config, store, clock, watch, active.stop, holder);
                RunResult result = what.apply(runner);
                metrics.runFinished(name, active.kind, result.status(), Duration.ofNanos(System.nanoTime() - t0));
                watch.finished(result);
            } catch (SluiceException e) {
                if (e.code() == ErrorCode.STATE_LEASE_HELD)
                    log.atWarn().addKeyValue("pipeline", name).log("not run: {}", e.getMessage());
                else {
                    log.atError().addKeyValue("pipeline", name).addKeyValue("error_id", e.errorId()).addKeyValue("code", e.code())
                            .log("run failed: {}", e.getMessage());
                    watch.runFailed(e, Map.of("kind", active.kind));
                }
            } catch (RuntimeException e) {
                SluiceException error = SluiceException.wrap(e, ErrorCode.INTERNAL);
                log.atError().addKeyValue("pipeline", name).addKeyValue("error_id", error.errorId()).log("run failed: {}", e.toString());
                watch.runFailed(error, Map.of("kind", active.kind));
            } finally {
                permits.release();
                refresh(slot, config);
                slot.release(active);
                wake();
            }
        });
    }

    /**
     * Reads the watermark, last run and window counts that listing pipelines shows without a query:
     * after each run, when a pipeline is asked for, and every half minute (the books may change from
     * outside, such as by {@code sluice reset}).
     */
    void refresh(Slot slot, PipelineConfig config) {
        slot.refreshedAt = clock.instant();
        try {
            StateStore store = store(config);
            slot.watermark = store.watermark(config.id(), config.windows().cursor());
            slot.lastRun = store.runs(config.id(), 1).stream().findFirst();
            slot.windowCounts = store.windowCounts(config.id());
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("pipeline", slot.name).log("cannot read the books after a run: {}", e.getMessage());
        }
    }

    /** Counts for the metrics, and notes the run's id for the pipeline's view; {@link RunAlerts} wraps it. */
    private RunListener listener(Slot slot, Slot.Active active) {
        RunListener counting = metrics.listener(slot.name);
        return new RunListener() {
            @Override
            public void runStarted(RunRecord run) {
                active.runId = run.runId();
            }

            @Override
            public void windowStarted(Window window) {
                counting.windowStarted(window);
            }

            @Override
            public void windowCommitted(Window window, Counts counts) {
                counting.windowCommitted(window, counts);
            }

            @Override
            public void windowFailed(Window window, SluiceException error) {
                counting.windowFailed(window, error);
            }
        };
    }

    // ---------------------------------------------------------------------------------------------- alerts

    private void watch(Slot slot, Instant now) {
        ServiceSettings service = slot.config.service();
        if (service.muted())
            return;
        for (ConnectionStats c : connections(slot.config)) {
            String key = slot.name + "/" + c.connection();
            if ("open".equals(c.circuit())) {
                if (raised.putIfAbsent("circuit:" + key, Severity.CRITICAL) == null)
                    alerts.raise(Condition.CIRCUIT_OPEN, slot.name, Severity.CRITICAL, Optional.empty(),
                            "the circuit breaker of connection '" + c.connection() + "' opened: the endpoint failed too often",
                            Map.of("connection", c.connection()), now);
            } else if (raised.remove("circuit:" + key) != null)
                alerts.clear(Condition.CIRCUIT_OPEN, slot.name, now);
        }
        Optional<Double> lag = lagSeconds(slot);
        if (lag.isEmpty() || !slot.enabled())
            return;
        Duration behind = Duration.ofSeconds(lag.get().longValue());
        Optional<Severity> severity = service.lagCritical().filter(c -> behind.compareTo(c) > 0).map(c -> Severity.CRITICAL)
                .or(() -> service.lagWarning().filter(w -> behind.compareTo(w) > 0).map(w -> Severity.WARNING));
        if (severity.isPresent()) {
            if (raised.put("lag:" + slot.name, severity.get()) == severity.get())
                return; // raised already at this severity: the alerting's throttle sends reminders, not every tick
            alerts.raise(Condition.LAG, slot.name, severity.get(), Optional.empty(), "the watermark is " + human(behind) + " behind now",
                    Map.of("watermark", slot.watermark.map(Object::toString).orElse("none")), now);
        } else if (raised.remove("lag:" + slot.name) != null)
            alerts.clear(Condition.LAG, slot.name, now);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 86400)
            return (s / 86400) + "d " + (s % 86400 / 3600) + "h";
        if (s >= 3600)
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        if (s >= 60)
            return (s / 60) + "m " + (s % 60) + "s";
        return s + "s";
    }

    Optional<Double> lagSeconds(Slot slot) {
        if (slot.config.windows().cursor() != CursorKind.TIME)
            return Optional.empty();
        return slot.watermark.map(w -> (clock.millis() - w.instant().toEpochMilli()) / 1000.0);
    }

    static List<ConnectionStats> connections(PipelineConfig config) {
        var all = new LinkedHashMap<String, ConnectionStats>();
        var parts = new ArrayList<Object>();
        parts.add(config.source());
        config.steps().forEach(s -> parts.add(s.step()));
        parts.add(config.sink());
        for (Object part : parts)
            if (part instanceof ObservedConnections o)
                o.connectionStats().forEach(c -> all.putIfAbsent(c.connection(), c));
        return List.copyOf(all.values());
    }

    /** Reads the connections' counters into the metrics and returns the Prometheus text. */
    String scrape() {
        for (Slot s : slots.values())
            metrics.connections(s.name, connections(s.config));
        return metrics.scrape();
    }

    // ---------------------------------------------------------------------------------------------- switches

    void setEnabled(String name, boolean enabled, String reason) {
        Slot slot = slot(name);
        var change = new PipelineSwitch(slot.config.id(), enabled, slot.config.service().enabled(), clock.instant(), reason);
        store(slot.config).setPipelineSwitch(change);
        slot.override = Optional.of(change);
        slot.nextDue = null;
        slot.nextStart = null;
        log.atInfo().addKeyValue("pipeline", name).log("{} through the API{}", enabled ? "enabled" : "disabled", reason.isEmpty() ? "" : ": " + reason);
        wake();
    }

    // ---------------------------------------------------------------------------------------------- cleanup

    private void cleanupIfDue(Instant now) {
        if (settings.cleanupMaxAge().isEmpty())
            return;
        if (nextCleanup == null) // the first one waits a little, not to delay the runs due at start
            nextCleanup = now.plus(Duration.ofMinutes(10).compareTo(settings.cleanupEvery()) < 0 ? Duration.ofMinutes(10) : settings.cleanupEvery());
        if (now.isBefore(nextCleanup))
            return;
        nextCleanup = now.plus(settings.cleanupEvery());
        Instant before = now.minus(settings.cleanupMaxAge().get());
        for (Slot s : slots.values()) {
            // The cleanup takes the slot like a run, so that no run of the pipeline starts meanwhile (a
            // scheduled one waits and then runs once); a pipeline that is running is cleaned next time.
            Optional<Slot.Active> a = s.claim("cleanup", "history before " + before, now, Optional.empty());
            if (a.isEmpty())
                continue;
            runs.submit(() -> {
                try {
                    var report = new Cleanup(store(s.config), clock, holder).run(s.config, before);
                    log.atInfo().addKeyValue("pipeline", s.name).log("cleanup of history before {}: {} runs, {} errors, {} discarded windows, {} dead letters",
                            before, report.books().runs(), report.books().errors(), report.books().discardedWindows(),
                            report.steps().stream().mapToLong(CleanupReport.StepPurge::items).sum());
                } catch (RuntimeException e) {
                    log.atWarn().addKeyValue("pipeline", s.name).log("cleanup failed and is tried again at the next: {}", e.getMessage());
                } finally {
                    s.release(a.get());
                    wake();
                }
            });
        }
    }

    // ---------------------------------------------------------------------------------------------- reading

    Collection<Slot> slots() {
        return new TreeMap<>(slots).values();
    }

    Map<Path, String> invalidFiles() {
        return new TreeMap<>(invalid);
    }

    Slot slot(String name) {
        Slot s = slots.get(name);
        if (s == null)
            throw new Refused(404, "NOT_FOUND", "no pipeline named '" + name + "' is loaded; GET /api/v1/pipelines lists them");
        return s;
    }

    StateStore store(PipelineConfig config) {
        return stores.computeIfAbsent(config.stateUrlOrDefault(), url -> StateStores.open(url, clock));
    }

    /** Every state store the service opened, for questions that do not name a pipeline. */
    Collection<StateStore> stores() {
        return List.copyOf(stores.values());
    }

    boolean stopping() {
        return stopping;
    }

    /** Whether every run has ended, for tests. */
    boolean idle() {
        return slots.values().stream().allMatch(s -> s.active().isEmpty());
    }

    // ---------------------------------------------------------------------------------------------- stop

    /**
     * Stops cleanly: no new run starts; running windows go on to their commit for up to
     * {@code grace}, after which they are abandoned at their next page and left on the books for the
     * next start. Nothing is half-written either way.
     */
    @Override
    public void close() {
        stopping = true;
        Thread t = control;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Slot s : slots.values())
            s.active().ifPresent(a -> a.stop.drain());
        runs.shutdown();
        try {
            if (!runs.awaitTermination(settings.grace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.atWarn().log("runs still going after the grace period of {}; stopping them at their next page", settings.grace());
                for (Slot s : slots.values())
                    s.active().ifPresent(a -> a.stop.request());
                if (!runs.awaitTermination(60, TimeUnit.SECONDS))
                    log.atError().log("runs did not stop within 60 s; their windows stay on the books as running and are retried at the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        alerts.close();
        for (StateStore s : stores.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.atWarn().log("closing the state store failed: {}", e.getMessage());
            }
        }
    }

}
