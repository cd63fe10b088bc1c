package dev.sluice.cli;

import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.WorkPlan;
import dev.sluice.core.state.Position;
import dev.sluice.core.window.Window;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;

@Command(name = "plan", description = {"Print the windows the next run would process, without running anything.",
        "With --watermark the books are not read: the plan is the planner's alone."})
final class PlanCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions options;

    @Option(names = "--now", paramLabel = "ISO", description = "plan as if now were this instant (default: the current time)")
    String now;

    @Option(names = "--watermark", paramLabel = "ISO|ID", description = "plan from this watermark instead of the one in the state store")
    String watermark;

    @Option(names = "--json", description = "print only a JSON array of {\"start\": ..., \"end\": ...}")
    boolean json;

    @Override
    public Integer call() {
        PipelineConfig config = options.load();
        Instant at = PipelineOptions.clock(now).instant();
        WorkPlan work;
        if (watermark != null) {
            Position w = BackfillCommand.position(config.windows().cursor(), "--watermark", watermark);
            work = WorkPlan.fromWatermark(config.windows(), Optional.of(w), at);
        } else {
            work = options.withExistingState(config, store -> store.map(s -> WorkPlan.fromBooks(config.windows(), s, config.id(), at))
                    .orElseGet(() -> WorkPlan.fromWatermark(config.windows(), Optional.empty(), at)));
        }
        if (json) {
            ArrayNode array = Reports.JSON.createArrayNode();
            for (Window w : work.windows()) {
                var o = array.addObject();
                switch (w.cursor()) {
                    case ID -> o.put("start", w.startKey()).put("end", w.endKey());
                    default -> o.put("start", w.startText()).put("end", w.endText());
                }
            }
            System.out.println(array);
            return ExitCodes.OK;
        }
        System.out.println("pipeline " + config.id() + ", now " + at + ", watermark " + Reports.text(work.watermark()));
        if (work.windows().isEmpty())
            System.out.println(work.plan().message());
        else {
            System.out.println(work.windows().size() + " window(s): " + work.note());
            for (Window w : work.windows())
                System.out.println("  " + w + (work.retries().contains(w) ? "  (retry)" : ""));
        }
        return ExitCodes.OK;
    }
}
