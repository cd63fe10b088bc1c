package dev.sluice.cli;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.state.Position;
import dev.sluice.core.window.CursorKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backfill", description = {"Run the windows of [--from, --to) as a backfill.",
        "They are recorded in the ledger as backfill windows; the watermark never moves."})
final class BackfillCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions options;

    @Mixin
    AlertOptions alerts;

    @Option(names = "--from", required = true, paramLabel = "ISO|ID", description = "first instant (or id) of the range, inclusive")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ISO|ID", description = "end of the range, exclusive")
    String to;

    @Option(names = "--now", paramLabel = "ISO", description = "take this instant as now; lag still applies to the range")
    String now;

    @Override
    public Integer call() {
        PipelineConfig config = options.load();
        CursorKind cursor = config.windows().cursor();
        Position start = position(cursor, "--from", from), end = position(cursor, "--to", to);
        return RunCommand.execute(options, alerts, config, now, ": backfill [" + start + ", " + end + ")", runner -> runner.backfill(start, end));
    }

    static Position position(CursorKind cursor, String option, String text) {
        return switch (cursor) {
            case TIME, NONE -> Position.ofInstant(PipelineOptions.instant(option, text));
            case ID -> {
                try {
                    yield Position.ofId(Long.parseLong(text.trim()));
                } catch (NumberFormatException e) {
                    throw new SluiceException(ErrorCode.USAGE, option + " '" + text + "' is not an id; this pipeline has cursor: id, so give a whole number");
                }
            }
        };
    }
}
