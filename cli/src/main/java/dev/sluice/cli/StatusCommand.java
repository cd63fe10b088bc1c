package dev.sluice.cli;

import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.core.state.KeyTally;
import dev.sluice.core.state.LeaseHolder;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "status", description = "Show the books of a pipeline: watermark, windows by status, the last run and failed windows.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions options;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        PipelineConfig config = options.load();
        return options.withExistingState(config, opened -> {
            Optional<Position> watermark = opened.flatMap(s -> s.watermark(config.id(), config.windows().cursor()));
            Map<WindowStatus, Long> counts = new EnumMap<>(WindowStatus.class);
            for (WindowStatus s : WindowStatus.values())
                counts.put(s, 0L);
            opened.ifPresent(s -> counts.putAll(s.windowCounts(config.id())));
            List<RunRecord> runs = opened.map(s -> s.runs(config.id(), 1)).orElse(List.of());
            List<LedgerEntry> failed = opened.map(s -> s.ledger(config.id(), config.windows().cursor(), Optional.of(WindowStatus.FAILED), 20))
                    .orElse(List.of());
            Optional<LeaseHolder> running = opened.flatMap(s -> s.leaseHolder(config.id()));
            List<KeyStatus> failedKeys = opened.map(s -> s.keyStatuses(config.id(), Optional.of(KeyStatus.KeyOutcome.FAILED))).orElse(List.of());
            KeyTally tally = opened.map(s -> s.keyTally(config.id())).orElse(KeyTally.NONE);
            String where = opened.map(StateStore::describe).orElse(options.stateUrl(config) + " (not created yet)");
            if (json)
                printJson(config, where, watermark, counts, runs, failed, running, failedKeys, tally);
            else
                printText(config, where, watermark, counts, runs, failed, running, failedKeys, tally);
            return ExitCodes.OK;
        });
    }

    private static void printText(PipelineConfig config, String where, Optional<Position> watermark, Map<WindowStatus, Long> counts,
                                  List<RunRecord> runs, List<LedgerEntry> failed, Optional<LeaseHolder> running, List<KeyStatus> failedKeys,
                                  KeyTally tally) {
        var out = System.out;
        out.println("pipeline:  " + config.id());
        out.println("state:     " + where);
        out.println("watermark: " + Reports.text(watermark));
        out.printf("windows:   %d succeeded, %d failed, %d running, %d discarded%n", counts.get(WindowStatus.SUCCEEDED),
                counts.get(WindowStatus.FAILED), counts.get(WindowStatus.RUNNING), counts.get(WindowStatus.DISCARDED));
        running.ifPresent(l -> out.println("running:   now, by " + l.holder() + " since " + l.acquiredAt() + " (lease until " + l.expiresAt() + ")"));
        if (runs.isEmpty())
            out.println("last run:  none yet");
        else {
            RunRecord r = runs.getFirst();
            out.printf("last run:  #%d %s %s, started %s%s%n", r.sequence(), r.kind().label(), r.status().label().replace('_', ' '),
                    r.startedAt(), r.errorId().map(e -> ", error " + e).orElse(""));
        }
        if (!failed.isEmpty()) {
            out.println("failed windows (retried first by the next run):");
            for (LedgerEntry e : failed)
                out.println("  " + e.window() + (e.backfill() ? " backfill" : "") + "  attempt " + e.attempt() + "  error " + e.errorId().orElse("-"));
        }
        if (tally.succeeded() + tally.failed() > 0) {
            out.printf("keys:      %d succeeded, %d failed%n", tally.succeeded(), tally.failed());
            if (!tally.answeredBy().isEmpty())
                out.println("answered:  " + String.join(", ", tally.answeredBy().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
        }
        if (!failedKeys.isEmpty()) {
            out.println("failed keys: " + failedKeys.size() + " (sluice replay FILE --failed-keys processes them again)");
            for (KeyStatus k : failedKeys.subList(0, Math.min(SHOWN_KEYS, failedKeys.size())))
                out.println("  " + k.key() + "  " + k.reason().orElse("") + "  attempts " + k.attempts() + "  error " + k.errorId().orElse("-"));
            if (failedKeys.size() > SHOWN_KEYS)
                out.println("  ... and " + (failedKeys.size() - SHOWN_KEYS) + " more (status --json lists them all)");
        }
    }

    private static final int SHOWN_KEYS = 20;

    private static void printJson(PipelineConfig config, String where, Optional<Position> watermark, Map<WindowStatus, Long> counts,
                                  List<RunRecord> runs, List<LedgerEntry> failed, Optional<LeaseHolder> running, List<KeyStatus> failedKeys,
                                  KeyTally tally) {
        ObjectNode o = Reports.JSON.createObjectNode();
        o.put("pipeline", config.id().value());
        o.put("state", where);
        o.put("cursor", config.windows().cursor().label());
        if (watermark.isPresent())
            o.put("watermark", watermark.get().text());
        else
            o.putNull("watermark");
        ObjectNode windows = o.putObject("windows");
        counts.forEach((status, n) -> windows.put(status.label(), n));
        if (running.isPresent())
            o.putObject("running").put("holder", running.get().holder()).put("since", running.get().acquiredAt().toString())
                    .put("lease_until", running.get().expiresAt().toString());
        else
            o.putNull("running");
        if (runs.isEmpty())
            o.putNull("last_run");
        else {
            RunRecord r = runs.getFirst();
            ObjectNode run = o.putObject("last_run");
            run.put("sequence", r.sequence()).put("kind", r.kind().label()).put("status", r.status().label())
                    .put("started_at", r.startedAt().toString());
            r.finishedAt().ifPresent(t -> run.put("finished_at", t.toString()));
            r.errorId().ifPresent(e -> run.put("error_id", e));
        }
        var array = o.putArray("failed_windows");
        for (LedgerEntry e : failed) {
            ObjectNode w = array.addObject();
            w.put("start", e.window().startText()).put("end", e.window().endText()).put("attempt", e.attempt()).put("backfill", e.backfill());
            e.errorId().ifPresent(id -> w.put("error_id", id));
        }
        ObjectNode tallied = o.putObject("keys").put("succeeded", tally.succeeded()).put("failed", tally.failed());
        ObjectNode answered = tallied.putObject("answered_by");
        tally.answeredBy().forEach(answered::put);
        var keys = o.putArray("failed_keys");
        for (KeyStatus k : failedKeys) {
            ObjectNode key = keys.addObject().put("key", k.key()).put("reason", k.reason().orElse("")).put("attempts", k.attempts());
            k.errorId().ifPresent(id -> key.put("error_id", id));
            k.window().ifPresent(w -> key.put("window_start", w.startText()).put("window_end", w.endText()));
        }
        System.out.println(o);
    }
}
