package dev.sluice.cli;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.state.Leases;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Run the pipeline's due windows: failed ones first, then new ones from the watermark.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions options;

    @Mixin
    AlertOptions alerts;

    @Option(names = "--now", paramLabel = "ISO", description = "take this instant as now (for demos and tests), e.g. 2025-07-01T17:00:00Z")
    String now;

    @Override
    public Integer call() {
        PipelineConfig config = options.load();
        return execute(options, alerts, config, now, "", Runner::run);
    }

    /**
     * Runs {@code what} with the pipeline's state store, progress display and clean stop on signals,
     * prints the summary and returns the exit code; {@code run} and {@code backfill} share it.
     */
    static int execute(PipelineOptions options, AlertOptions alerts, PipelineConfig config, String now, String what,
                       Function<Runner, RunResult> action) {
        var stop = new StopSignal();
        try (var store = options.openState(config); var progress = new Progress(System.out, Progress.onTerminal())) {
            System.out.println("pipeline " + config.id() + what + " (state " + store.describe() + ")");
            Optional<AlertOptions.Watch> watch = alerts.watch(config, progress);
            RunListener listener = watch.<RunListener>map(AlertOptions.Watch::alerts).orElse(progress);
            try {
                RunResult result = Shutdown.guard(stop, () ->
                        action.apply(new Runner(config, store, PipelineOptions.clock(now), listener, stop, Leases.currentHolder())));
                watch.ifPresent(w -> w.finished(result));
                progress.close();
                return Reports.summarize(result, config.sink().target(), System.out);
            } catch (SluiceException e) {
                if (e.code() != ErrorCode.STATE_LEASE_HELD)
                    watch.ifPresent(w -> w.failed(e));
                throw e;
            } finally {
                watch.ifPresent(AlertOptions.Watch::close);
            }
        }
    }
}
