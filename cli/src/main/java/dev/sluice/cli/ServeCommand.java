package dev.sluice.cli;

import dev.sluice.server.Server;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = {"Run every pipeline of a folder on its schedule, with a REST API, a web dashboard,",
        "Prometheus metrics and alerts. Changed files are picked up without a restart once they validate.",
        "SIGTERM or Ctrl-C stops cleanly: running windows finish (for the grace period) or are left for the",
        "next start. See docs/SERVICE.md."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--pipelines", required = true, paramLabel = "DIR", description = "the folder of pipeline files (*.yaml, *.yml)")
    Path pipelines;

    @Option(names = "--settings", paramLabel = "FILE", description = "the service's settings (listen, auth, alerts, cleanup, ...); see docs/SERVICE.md")
    Path settings;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "where the API and dashboard listen (default 127.0.0.1:8080); beyond loopback every request needs a token")
    String listen;

    @Option(names = "--token-file", paramLabel = "FILE", description = "API tokens, one per line (also: SLUICE_API_TOKENS, comma-separated)")
    Path tokenFile;

    @Option(names = {"-q", "--quiet"}, description = "log warnings and errors only (default: every run and window)")
    boolean quiet;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text", description = "log format on standard error: ${DEFAULT-VALUE} or json")
    String logFormat;

    @Override
    public Integer call() throws InterruptedException {
        Logging.configure(!quiet, logFormat);
        Server server = Server.start(pipelines, Optional.ofNullable(settings), Optional.ofNullable(listen), Optional.ofNullable(tokenFile));
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Shutdown.begin();
            System.err.println("sluice serve: stopping; running windows finish or are left for the next start");
            server.close();
            stopped.countDown();
        }, "sluice-serve-stop"));
        System.out.println("sluice serve: " + server.describe());
        System.out.flush();
        stopped.await();
        return ExitCodes.OK; // not reached after a signal: the JVM exits with 143 once the hook is done
    }
}
