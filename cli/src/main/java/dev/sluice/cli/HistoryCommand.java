package dev.sluice.cli;

import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.state.RunRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "history", description = "List the runs of a pipeline, newest first, with their sequence numbers.")
final class HistoryCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions options;

    @Option(names = "--limit", defaultValue = "20", description = "how many runs to show (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--json", description = "print a JSON array")
    boolean json;

    @Override
    public Integer call() {
        PipelineConfig config = options.load();
        List<RunRecord> runs = options.withExistingState(config,
                opened -> opened.map(s -> s.runs(config.id(), Math.max(1, limit))).orElse(List.of()));
        if (json) {
            var array = Reports.JSON.createArrayNode();
            for (RunRecord r : runs) {
                ObjectNode o = array.addObject();
                o.put("sequence", r.sequence()).put("kind", r.kind().label()).put("status", r.status().label())
                        .put("started_at", r.startedAt().toString()).put("windows_succeeded", r.totals().windowsSucceeded())
                        .put("windows_failed", r.totals().windowsFailed()).put("records_read", r.totals().counts().read())
                        .put("records_written", r.totals().counts().written()).put("details", r.details());
                r.finishedAt().ifPresent(t -> o.put("finished_at", t.toString()));
                r.errorId().ifPresent(e -> o.put("error_id", e));
            }
            System.out.println(array);
            return ExitCodes.OK;
        }
        if (runs.isEmpty()) {
            System.out.println("pipeline " + config.id() + " has not run yet");
            return ExitCodes.OK;
        }
        System.out.printf("%5s  %-8s  %-11s  %-24s  %9s  %9s  %11s  %s%n", "#", "kind", "status", "started", "took", "windows", "records", "error");
        for (RunRecord r : runs) {
            String took = r.finishedAt().map(f -> format(Duration.between(r.startedAt(), f))).orElse("-");
            System.out.printf("%5d  %-8s  %-11s  %-24s  %9s  %4d/%-4d  %11d  %s%n", r.sequence(), r.kind().label(),
                    r.status().label().replace('_', ' '), r.startedAt(), took, r.totals().windowsSucceeded(), r.totals().windowsFailed(),
                    r.totals().counts().written(), r.errorId().orElse(r.details()));
        }
        return ExitCodes.OK;
    }

    private static String format(Duration d) {
        return d.toMillis() < 10_000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }
}
