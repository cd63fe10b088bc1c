package dev.sluice.cli;

import dev.sluice.core.config.PipelineConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "validate", description = "Check a pipeline file: every problem is listed with its line and column. Touches nothing.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions options;

    @Override
    public Integer call() {
        PipelineConfig c = options.load();
        System.out.printf("ok: pipeline %s: cursor %s, source %s, sink %s, parallelism %d%n", c.id(), c.windows().cursor().label(),
                c.sourceType(), c.sinkType(), c.parallelism());
        return ExitCodes.OK;
    }
}
