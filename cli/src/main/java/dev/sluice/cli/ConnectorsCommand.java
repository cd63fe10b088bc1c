package dev.sluice.cli;

import dev.sluice.core.config.Connectors;
import dev.sluice.core.window.CursorKind;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

@Command(name = "connectors", description = "List the source and sink types this build knows.")
final class ConnectorsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        var c = Connectors.discover();
        System.out.println("sources:");
        c.sources().forEach((type, p) -> System.out.println("  " + type + "  (cursors: "
                + p.cursors().stream().map(CursorKind::label).sorted().collect(Collectors.joining(", ")) + ")"));
        System.out.println("steps:");
        c.steps().keySet().forEach(type -> System.out.println("  " + type));
        System.out.println("sinks:");
        c.sinks().keySet().forEach(type -> System.out.println("  " + type));
        return ExitCodes.OK;
    }
}
