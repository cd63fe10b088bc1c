package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command. Exit codes are documented in docs/CLI.md and {@link ExitCodes}. */
@Command(name = "sluice", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "Incremental extraction from APIs and databases, window by window: no gap, no duplicate.",
        subcommands = {RunCommand.class, PlanCommand.class, BackfillCommand.class, ReplayCommand.class, StatusCommand.class, HistoryCommand.class,
                ValidateCommand.class, ResetCommand.class, ServeCommand.class, CleanupCommand.class, ConnectorsCommand.class, DemoApiCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success or up to date, 1 a window failed, 2 bad configuration or usage, "
                + "3 state store problem, 130/143 stopped by SIGINT/SIGTERM."})
public final class Main {
    public static void main(String[] args) {
        int code = execute(args);
        if (!Shutdown.inProgress())
            System.exit(code);
    }

    /** Runs the command line and returns its exit code, without exiting. */
    public static int execute(String... args) {
        var cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            ex.getCommandLine().getErr().println("run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage");
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sluice " + (v == null ? "development build" : v)};
        }
    }
}
