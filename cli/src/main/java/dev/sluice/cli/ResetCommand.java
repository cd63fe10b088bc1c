package dev.sluice.cli;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.state.Lease;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunKind;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.RunTotals;
import dev.sluice.state.Leases;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reset", description = {"Move the watermark back (--to) or forget it (--all), so the next run reads again from there.",
        "Windows after that point are marked discarded in the ledger (kept for the audit trail). Needs --yes."})
final class ResetCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions options;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--to", paramLabel = "ISO|ID", description = "the new watermark")
        String to;

        @Option(names = "--all", description = "forget the watermark: the next run starts at the configured start")
        boolean all;
    }

    @Option(names = "--yes", description = "confirm: without it nothing is changed")
    boolean yes;

    @Override
    public Integer call() {
        PipelineConfig config = options.load();
        Optional<Position> to = target.all ? Optional.empty()
                : Optional.of(BackfillCommand.position(config.windows().cursor(), "--to", target.to));
        try (var store = options.openState(config)) {
            Optional<Position> current = store.watermark(config.id(), config.windows().cursor());
            String change = "watermark of " + config.id() + ": " + Reports.text(current) + " -> " + to.map(Position::text).orElse("(none: start again from the configured start)");
            if (!yes) {
                System.err.println("would reset the " + change);
                System.err.println("nothing changed; add --yes to do it");
                return ExitCodes.USAGE;
            }
            Lease lease = store.acquireLease(config.id(), Leases.currentHolder(), Duration.ofMinutes(1));
            try {
                var run = store.startRun(config.id(), RunKind.RESET, change);
                long discarded = store.reset(config.id(), config.windows().cursor(), to);
                store.finishRun(run.runId(), RunStatus.SUCCEEDED, RunTotals.ZERO, Optional.empty());
                System.out.println("reset the " + change + "; " + discarded + " window(s) discarded from the ledger");
            } finally {
                store.releaseLease(lease);
            }
            return ExitCodes.OK;
        } catch (SluiceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SluiceException(ErrorCode.STATE_UNAVAILABLE, "reset failed: " + e.getMessage(), e);
        }
    }
}
