package dev.sluice.cli;

import dev.sluice.core.config.PipelineConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "replay", description = {"Process failed keys again.",
        "Runs again each window in which a step recorded a key as failed (on_failure: record_key); the",
        "window's output is replaced as a whole and the keys' status updated. The watermark never moves.",
        "Failed windows need no replay: every run retries them first."})
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions options;

    @Mixin
    AlertOptions alerts;

    @Option(names = "--failed-keys", required = true, description = "replay the windows of the keys that failed")
    boolean failedKeys;

    @Override
    public Integer call() {
        PipelineConfig config = options.load();
        return RunCommand.execute(options, alerts, config, null, ": replay of failed keys", runner -> runner.replayFailedKeys());
    }
}
