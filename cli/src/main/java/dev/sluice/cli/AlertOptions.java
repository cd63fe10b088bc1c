package dev.sluice.cli;

import dev.sluice.core.SluiceException;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.server.Server;
import dev.sluice.server.alert.Alerter;
import dev.sluice.server.alert.RunAlerts;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --settings FILE} of the commands that run windows: the {@code alerts:} of the service's
 * settings file, so that a run from cron or by hand alerts like a run of {@code sluice serve}.
 */
final class AlertOptions {
    @Option(names = "--settings", paramLabel = "FILE",
            description = "send alerts as the alerts: section of this settings file says (the file of sluice serve; see docs/ALERTS.md)")
    Path settings;

    /** The alerts of one run, or none without {@code --settings}. Close it after the run: it delivers what is pending. */
    Optional<Watch> watch(PipelineConfig config, RunListener next) {
        if (settings == null)
            return Optional.empty();
        Alerter alerter = Server.alerter(settings);
        return Optional.of(new Watch(alerter, new RunAlerts(alerter, config.id().value(), config.service().muted(), Clock.systemUTC(), next)));
    }

    record Watch(Alerter alerter, RunAlerts alerts) implements AutoCloseable {
        void finished(RunResult result) {
            alerts.finished(result);
        }

        void failed(SluiceException error) {
            alerts.runFailed(error, Map.of("kind", "command"));
        }

        @Override
        public void close() {
            alerter.close();
        }
    }
}
