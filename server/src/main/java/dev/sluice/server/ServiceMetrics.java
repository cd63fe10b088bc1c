package dev.sluice.server;

import dev.sluice.core.SluiceException;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.spi.ConnectionStats;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.window.Window;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The service's metrics in Prometheus format: records and windows by pipeline, window and run
 * durations, HTTP calls by connection and status, retries, circuit breaker state, the lag between now
 * and each watermark, scheduling lateness, API latency, and the JVM's memory, GC and threads.
 * Thread-safe. Meter names and labels are documented in docs/SERVICE.md#metrics.
 */
final class ServiceMetrics {
    private static final Duration[] WINDOW_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Connection counters as last read, by pipeline, connection, what and status; FunctionCounters read them. */
    private final Map<List<String>, AtomicLong> connectionCounts = new ConcurrentHashMap<>();
    private final Map<List<String>, AtomicLong> circuitStates = new ConcurrentHashMap<>();
    private final Timer lateness;

    ServiceMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        lateness = Timer.builder("sluice.schedule.lateness").description("how long after its due time a scheduled run started")
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1))
                .register(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Counts records, windows and window durations of one run of {@code pipeline}. */
    RunListener listener(String pipeline) {
        Counter read = Counter.builder("sluice.records.read").description("records read from sources").tag("pipeline", pipeline).register(registry);
        Counter written = Counter.builder("sluice.records.written").description("records written to sinks and committed").tag("pipeline", pipeline).register(registry);
        Counter rejected = Counter.builder("sluice.records.rejected").description("records rejected by steps").tag("pipeline", pipeline).register(registry);
        Counter succeeded = windows(pipeline, "succeeded");
        Counter failed = windows(pipeline, "failed");
        Timer duration = Timer.builder("sluice.window.duration").description("time from a window's start to its commit or failure")
                .tag("pipeline", pipeline).serviceLevelObjectives(WINDOW_BUCKETS).register(registry);
        Map<Window, Long> started = new ConcurrentHashMap<>();
        return new RunListener() {
            @Override
            public void windowStarted(Window window) {
                started.put(window, System.nanoTime());
            }

            @Override
            public void windowCommitted(Window window, Counts counts) {
                read.increment(counts.read());
                written.increment(counts.written());
                rejected.increment(counts.rejected());
                succeeded.increment();
                timed(window);
            }

            @Override
            public void windowFailed(Window window, SluiceException error) {
                failed.increment();
                timed(window);
            }

            private void timed(Window window) {
                Long t0 = started.remove(window);
                if (t0 != null)
                    duration.record(Duration.ofNanos(System.nanoTime() - t0));
            }
        };
    }

    private Counter windows(String pipeline, String outcome) {
        return Counter.builder("sluice.windows").description("windows finished, by outcome").tag("pipeline", pipeline).tag("outcome", outcome).register(registry);
    }

    void runFinished(String pipeline, String kind, RunStatus status, Duration took) {
        Counter.builder("sluice.runs").description("runs finished, by kind and status").tag("pipeline", pipeline).tag("kind", kind)
                .tag("status", status.label()).register(registry).increment();
        Timer.builder("sluice.run.duration").description("time a run took").tag("pipeline", pipeline).serviceLevelObjectives(WINDOW_BUCKETS)
                .register(registry).record(took);
    }

    void scheduledRunStarted(Duration late) {
        lateness.record(late.isNegative() ? Duration.ZERO : late);
    }

    /** Registers the per-pipeline gauges: lag behind now (time cursors), enabled, and a run in progress. */
    <T> void pipeline(String pipeline, T state, ToDoubleFunction<T> lagSeconds, ToDoubleFunction<T> enabled, ToDoubleFunction<T> running) {
        Gauge.builder("sluice.watermark.lag", state, lagSeconds).description("seconds between now and the pipeline's watermark (time cursors)")
                .baseUnit("seconds").tag("pipeline", pipeline).strongReference(true).register(registry);
        Gauge.builder("sluice.pipeline.enabled", state, enabled).description("1 when the pipeline runs on its schedule").tag("pipeline", pipeline)
                .strongReference(true).register(registry);
        Gauge.builder("sluice.run.in.progress", state, running).description("1 while a run of the pipeline goes").tag("pipeline", pipeline)
                .strongReference(true).register(registry);
    }

    /** Removes every meter of a pipeline that is gone. */
    void forget(String pipeline) {
        registry.getMeters().stream().filter(m -> pipeline.equals(m.getId().getTag("pipeline"))).toList().forEach(registry::remove);
        connectionCounts.keySet().removeIf(k -> k.get(0).equals(pipeline));
        circuitStates.keySet().removeIf(k -> k.get(0).equals(pipeline));
    }

    /** Takes in what the pipeline's connections report now; called before each scrape. */
    void connections(String pipeline, List<ConnectionStats> stats) {
        for (ConnectionStats s : stats) {
            count(pipeline, s.connection(), "sluice.http.calls", "requests asked for, by connection", "", s.calls());
            count(pipeline, s.connection(), "sluice.http.retries", "requests sent again after a failed attempt", "", s.retries());
            s.responsesByStatus().forEach((status, n) ->
                    count(pipeline, s.connection(), "sluice.http.responses", "responses received, by status", Integer.toString(status), n));
            for (String state : List.of("closed", "open", "half_open", "disabled")) {
                var key = List.of(pipeline, s.connection(), state);
                AtomicLong holder = circuitStates.computeIfAbsent(key, k -> {
                    var h = new AtomicLong();
                    Gauge.builder("sluice.circuit.state", h, AtomicLong::get).description("1 for the circuit breaker's current state")
                            .tag("pipeline", pipeline).tag("connection", s.connection()).tag("state", state).register(registry);
                    return h;
                });
                holder.set(state.equals(s.circuit()) ? 1 : 0);
            }
        }
    }

    private void count(String pipeline, String connection, String name, String help, String status, long value) {
        var key = List.of(pipeline, connection, name, status);
        connectionCounts.computeIfAbsent(key, k -> {
            var h = new AtomicLong();
            var b = FunctionCounter.builder(name, h, AtomicLong::get).description(help).tag("pipeline", pipeline).tag("connection", connection);
            if (!status.isEmpty())
                b.tag("status", status);
            b.register(registry);
            return h;
        }).set(value);
    }

    String scrape() {
        return registry.scrape();
    }
}
