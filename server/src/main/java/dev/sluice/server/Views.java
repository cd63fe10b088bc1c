package dev.sluice.server;

import dev.sluice.core.config.ServiceSettings;
import dev.sluice.core.schedule.Schedule;
import dev.sluice.core.state.ErrorRecord;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.core.state.KeyTally;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.WindowStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/** The JSON shapes of the API, as openapi.yaml describes them. Times are ISO-8601 instants in UTC. */
final class Views {
    private Views() {
    }

    static ObjectNode summary(Service service, Slot s) {
        ObjectNode o = Api.JSON.createObjectNode();
        ServiceSettings settings = s.config.service();
        o.put("name", s.name).put("file", s.file.getFileName().toString()).put("description", s.config.description());
        o.put("enabled", s.enabled()).put("enabled_by", s.enabledBy());
        Optional<Double> lag = service.lagSeconds(s);
        o.put("health", health(s, lag));
        if (settings.schedule().isPresent()) {
            Schedule sc = settings.schedule().get();
            o.putObject("schedule").put("description", sc.describe());
        } else
            o.putNull("schedule");
        time(o, "next_run", Optional.ofNullable(s.enabled() ? s.nextStart : null));
        time(o, "loaded_at", Optional.of(s.loadedAt));
        o.put("cursor", s.config.windows().cursor().label());
        s.watermark.ifPresentOrElse(w -> o.put("watermark", w.text()), () -> o.putNull("watermark"));
        lag.ifPresentOrElse(l -> o.put("lag_seconds", Math.round(l)), () -> o.putNull("lag_seconds"));
        s.active().ifPresentOrElse(a -> {
            ObjectNode r = o.putObject("running").put("kind", a.kind).put("reason", a.reason).put("started_at", a.startedAt.toString());
            if (a.runId != null)
                r.put("run_id", a.runId);
            else
                r.putNull("run_id");
        }, () -> o.putNull("running"));
        ObjectNode counts = o.putObject("windows");
        for (WindowStatus w : WindowStatus.values())
            counts.put(w.label(), s.windowCounts.getOrDefault(w, 0L));
        s.lastRun.ifPresentOrElse(r -> o.set("last_run", run(r)), () -> o.putNull("last_run"));
        s.refusedChange.ifPresentOrElse(p -> o.put("refused_change", p), () -> o.putNull("refused_change"));
        return o;
    }

    /** ok, failing (failed windows, or the last run failed), lagging, disabled, or new (never ran). */
    static String health(Slot s, Optional<Double> lag) {
        if (s.windowCounts.getOrDefault(WindowStatus.FAILED, 0L) > 0 || s.lastRun.filter(r -> r.status() == RunStatus.FAILED).isPresent())
            return "failing";
        ServiceSettings settings = s.config.service();
        if (lag.isPresent() && settings.lagWarning().or(settings::lagCritical).filter(t -> lag.get() > t.toSeconds()).isPresent())
            return "lagging";
        if (!s.enabled())
            return "disabled";
        return s.lastRun.isEmpty() ? "new" : "ok";
    }

    static ObjectNode run(RunRecord r) {
        ObjectNode o = Api.JSON.createObjectNode().put("run_id", r.runId()).put("sequence", r.sequence()).put("kind", r.kind().label())
                .put("status", r.status().label()).put("started_at", r.startedAt().toString());
        time(o, "finished_at", r.finishedAt());
        o.put("windows_succeeded", r.totals().windowsSucceeded()).put("windows_failed", r.totals().windowsFailed())
                .put("records_read", r.totals().counts().read()).put("records_written", r.totals().counts().written())
                .put("records_rejected", r.totals().counts().rejected());
        text(o, "error_id", r.errorId());
        o.put("details", r.details());
        return o;
    }

    static ObjectNode window(LedgerEntry e) {
        ObjectNode o = Api.JSON.createObjectNode().put("start", e.window().startText()).put("end", e.window().endText())
                .put("status", e.status().label()).put("backfill", e.backfill()).put("attempt", e.attempt())
                .put("records_read", e.counts().read()).put("records_written", e.counts().written()).put("records_rejected", e.counts().rejected())
                .put("run_id", e.runId());
        text(o, "error_id", e.errorId());
        o.put("started_at", e.startedAt().toString());
        time(o, "finished_at", e.finishedAt());
        return o;
    }

    static ObjectNode error(ErrorRecord e) {
        ObjectNode o = Api.JSON.createObjectNode().put("error_id", e.errorId()).put("pipeline", e.pipeline().value());
        e.runId().ifPresentOrElse(id -> o.put("run_id", id), () -> o.putNull("run_id"));
        o.put("error_code", e.code().name()).put("message", e.message()).put("timestamp", e.at().toString());
        ObjectNode context = o.putObject("context");
        for (Map.Entry<String, String> c : e.context().entrySet())
            context.put(c.getKey(), c.getValue());
        return o;
    }

    /** How the pipeline's keys stand, and which request of each step answered them. */
    static ObjectNode tally(KeyTally tally) {
        ObjectNode o = Api.JSON.createObjectNode().put("succeeded", tally.succeeded()).put("failed", tally.failed());
        ObjectNode answered = o.putObject("answered_by");
        tally.answeredBy().forEach(answered::put);
        return o;
    }

    static ObjectNode key(KeyStatus k) {
        ObjectNode o = Api.JSON.createObjectNode().put("key", k.key()).put("outcome", Api.lower(k.outcome()));
        text(o, "reason", k.reason());
        text(o, "answered_by", k.answeredBy());
        o.put("attempts", k.attempts());
        text(o, "error_id", k.errorId());
        o.put("updated_at", k.updatedAt().toString());
        text(o, "window_start", k.window().map(w -> w.startText()));
        text(o, "window_end", k.window().map(w -> w.endText()));
        o.put("backfill", k.backfill());
        return o;
    }

    private static void time(ObjectNode o, String field, Optional<Instant> t) {
        t.ifPresentOrElse(v -> o.put(field, v.toString()), () -> o.putNull(field));
    }

    private static void text(ObjectNode o, String field, Optional<String> t) {
        t.ifPresentOrElse(v -> o.put(field, v), () -> o.putNull(field));
    }
}
