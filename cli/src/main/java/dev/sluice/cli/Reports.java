package dev.sluice.cli;

import dev.sluice.core.SluiceException;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunStatus;
import java.io.PrintStream;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/** Human summaries and the JSON mapper shared by the commands. */
final class Reports {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private Reports() {
    }

    static int summarize(RunResult r, String target, PrintStream out) {
        switch (r.status()) {
            case UP_TO_DATE -> out.println(r.note().isEmpty() ? "up to date" : capitalize(r.note()));
            default -> {
                out.printf("run #%d %s: %d window(s) committed, %d failed; %d records read, %d written%n", r.sequence(),
                        r.status().label().replace('_', ' '), r.windowsSucceeded(), r.windowsFailed(), r.counts().read(), r.counts().written());
                out.println("watermark: " + text(r.watermarkBefore()) + " -> " + text(r.watermarkAfter()));
                if (!target.isEmpty() && r.windowsSucceeded() > 0)
                    out.println("output: " + target);
                for (SluiceException e : r.errors())
                    if (e.code() != dev.sluice.core.ErrorCode.RUN_INTERRUPTED)
                        out.println("error " + e.errorId() + ": " + e.getMessage());
                if (r.status() == RunStatus.FAILED)
                    out.println("the failed window(s) will be retried first by the next run; see `sluice status` for the books");
                if (r.status() == RunStatus.INTERRUPTED)
                    out.println("stopped: unfinished windows were discarded and will be retried first by the next run");
            }
        }
        return switch (r.status()) {
            case SUCCEEDED, UP_TO_DATE -> ExitCodes.OK;
            case INTERRUPTED -> ExitCodes.INTERRUPTED;
            default -> ExitCodes.WINDOW_FAILED;
        };
    }

    static String text(Optional<Position> p) {
        return p.map(Position::text).orElse("(none)");
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
