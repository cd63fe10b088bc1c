package dev.sluice.cli;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import picocli.CommandLine;

/** Prints an error as a message and its error id, and maps it to an exit code; a stack trace only with --verbose. */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        SluiceException e = SluiceException.wrap(ex, ErrorCode.INTERNAL);
        var err = cmd.getErr();
        err.println("error: " + e.getMessage());
        err.println("error id: " + e.errorId() + " (code " + e.code() + ")");
        if (e.code() == ErrorCode.INTERNAL || Logging.verbose())
            ex.printStackTrace(err);
        err.flush();
        return ExitCodes.of(e);
    }
}
