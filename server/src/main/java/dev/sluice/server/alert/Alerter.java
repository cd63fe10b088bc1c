package dev.sluice.server.alert;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the service's reports into alerts: one incident per pipeline and condition, from the first
 * {@link #raise} until {@link #clear}, with an id ({@code INC-} and 8 characters) that every message of
 * the incident carries.
 *
 * <ul>
 * <li>The first raise is sent at once.</li>
 * <li>Repeats while the incident is open are counted; a repeat at least one throttle period (by the
 *     clock) after the incident's previous message sends a reminder with the count since then.</li>
 * <li>A raise with a higher severity than the incident was sent with (warning, then critical) is sent at once.</li>
 * <li>A clear of an open incident sends a recovery notice with the same id, how long it lasted and how
 *     many occurrences it had; a clear without an open incident sends nothing. The next raise opens a new incident.</li>
 * </ul>
 *
 * <p>Thread-safe: any thread may call {@link #raise} and {@link #clear}. They return at once and never
 * throw for a delivery problem: messages go to every channel from background virtual threads, a failed
 * delivery is retried a few times with backoff and then logged. Incidents live in memory: after a
 * restart of the service, a condition that still holds opens a new incident.
 */
public final class Alerter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Alerter.class);

    private final Clock clock;
    private final Incidents incidents;
    private final List<Channel> channels;
    private final Deliveries deliveries;
    private final ReentrantLock lock = new ReentrantLock();

    private Alerter(AlertSettings settings, Clock clock, List<Channel> channels, Deliveries.Retry retry) {
        this.clock = clock;
        this.incidents = new Incidents(settings.throttle(), settings.dashboardUrl());
        this.channels = List.copyOf(channels);
        this.deliveries = new Deliveries(this.channels, retry);
    }

    /**
     * An alerter that sends to the channels of {@code settings}, with {@code clock} deciding when the
     * throttle period of an incident has passed.
     *
     * @throws dev.sluice.core.SluiceException CONFIG_INVALID when {@code trusted_certificates} cannot be read (it was readable at load)
     */
    public static Alerter start(AlertSettings settings, Clock clock) {
        return start(settings, clock, Deliveries.Retry.DEFAULT);
    }

    static Alerter start(AlertSettings settings, Clock clock, Deliveries.Retry retry) {
        requireNonNull(settings, "settings is null");
        requireNonNull(clock, "clock is null");
        var channels = new ArrayList<Channel>();
        settings.email().ifPresent(e -> channels.add(new EmailChannel(e, clock)));
        settings.webhook().ifPresent(w -> channels.add(new WebhookChannel(w)));
        var alerter = new Alerter(settings, clock, channels, retry);
        log.atInfo().addKeyValue("channels", channels.stream().map(Channel::describe).toList())
                .addKeyValue("throttle", AlertMessage.show(settings.throttle())).log("alerts ready");
        return alerter;
    }

    /**
     * Reports that a condition holds for a pipeline: opens an incident and sends it, or counts a repeat
     * of the open one (sent as a reminder or an escalation when the rules above say so).
     */
    public void raise(AlertEvent event) {
        requireNonNull(event, "event is null");
        lock.lock();
        try {
            Optional<AlertMessage> m = incidents.raise(event, clock.instant());
            m.filter(x -> x.kind() == AlertMessage.Kind.OPENED).ifPresent(x -> {
                var line = log.atInfo().addKeyValue("pipeline", event.pipeline()).addKeyValue("condition", event.condition().key())
                        .addKeyValue("incident", x.incident().id()).addKeyValue("severity", event.severity().label());
                event.errorId().ifPresent(id -> line.addKeyValue("error_id", id));
                line.log("incident opened: " + event.summary());
            });
            m.ifPresent(deliveries::submit); // under the lock, so that a channel gets an incident's messages in order
        } finally {
            lock.unlock();
        }
    }

    /** {@link #raise(AlertEvent)} with the event's parts. */
    public void raise(Condition condition, String pipeline, Severity severity, Optional<String> errorId, String summary,
                      Map<String, String> details, Instant at) {
        raise(new AlertEvent(condition, pipeline, severity, errorId, summary, details, at));
    }

    /**
     * Reports that a condition no longer holds for a pipeline (a window succeeded, the circuit closed,
     * the lag fell under its threshold), seen at {@code at}. Sends a recovery notice if an incident was
     * open; otherwise does nothing, so the service may call it after every success.
     */
    public void clear(Condition condition, String pipeline, Instant at) {
        requireNonNull(condition, "condition is null");
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(at, "at is null");
        lock.lock();
        try {
            incidents.clear(condition, pipeline, at).ifPresent(m -> {
                log.atInfo().addKeyValue("pipeline", pipeline).addKeyValue("condition", condition.key())
                        .addKeyValue("incident", m.incident().id()).addKeyValue("occurrences", m.occurrences())
                        .log("incident resolved after " + AlertMessage.show(m.lasted().orElse(Duration.ZERO)));
                deliveries.submit(m);
            });
        } finally {
            lock.unlock();
        }
    }

    /** The open incidents, oldest first, such as for the dashboard. */
    public List<Incident> openIncidents() {
        lock.lock();
        try {
            return incidents.open();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks each channel that can be checked without sending a message: for e-mail, connects to the
     * server, completes TLS and logs in. A webhook is not checked (only a post would tell, and it would
     * show in the chat). Blocks for at most each channel's timeout.
     *
     * @return one line per problem, naming the channel and what to change; empty when all is well
     */
    public List<String> check() {
        var problems = new ArrayList<String>();
        for (Channel c : channels) {
            try {
                c.check();
            } catch (DeliveryFailure f) {
                problems.add(c.describe() + ": " + f.getMessage());
            }
        }
        return List.copyOf(problems);
    }

    /**
     * Waits until every message raised so far was delivered or given up, for at most {@code timeout}.
     * For tests and for an orderly shutdown; the service never needs to wait for alerts.
     *
     * @return false if messages were still pending when the time was up
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return deliveries.awaitIdle(timeout);
    }

    /** Delivers what is pending within {@code timeout} (retries included), then stops; anything left is logged as not sent. */
    public void close(Duration timeout) {
        deliveries.close(timeout);
    }

    /** {@link #close(Duration)} with 10 seconds. */
    @Override
    public void close() {
        deliveries.close();
    }
}
