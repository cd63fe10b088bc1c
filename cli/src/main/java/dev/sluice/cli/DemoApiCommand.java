package dev.sluice.cli;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.window.Span;
import dev.sluice.testkit.demo.AuthMode;
import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.Fault;
import dev.sluice.testkit.demo.MasterControlData;
import dev.sluice.testkit.demo.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo-api", description = {"Serve the demo API: deterministic timestamped records with every pagination",
        "style, every authentication mode and fault injection, for trying pipelines and for tests.",
        "With --profile mastercontrol, the four dependent APIs of a MasterControl system instead.",
        "Stops on Ctrl-C or SIGTERM. The endpoints are listed in docs/HTTP.md."})
final class DemoApiCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8321", description = "port on 127.0.0.1; 0 picks a free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--port-file", paramLabel = "FILE", description = "write the port here once the API is listening (for scripts)")
    Path portFile;

    @Option(names = "--auth", defaultValue = "none", description = "none, bearer, api_key_header, api_key_query, basic, cookie or oauth2 (default ${DEFAULT-VALUE})")
    String auth;

    @Option(names = "--latency", paramLabel = "SPAN", description = "delay every answer, e.g. 50ms")
    String latency;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "0", description = "answer 429 beyond N requests a second (0: no limit)")
    int rateLimit;

    @Option(names = "--fault", paramLabel = "SPEC", description = "inject a fault, e.g. 503x2@/cursor, 429:2s, reset, truncated, malformed, slow:200ms, repeat-cursor; repeatable")
    List<String> faults = List.of();

    @Option(names = "--start", defaultValue = "2025-01-01T00:00:00Z", description = "instant of the first record (default ${DEFAULT-VALUE})")
    String start;

    @Option(names = "--every", defaultValue = "1m", description = "time between records (default ${DEFAULT-VALUE})")
    String every;

    @Option(names = "--profile", defaultValue = "demo", description = "demo or mastercontrol (default ${DEFAULT-VALUE})")
    String profile;

    @Option(names = {"--count", "--records"}, paramLabel = "N", description = "how many records (production records with mastercontrol) there are "
            + "(default 10000000, or 60000 with mastercontrol)")
    Long count;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the generated values (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        DemoApiOptions options;
        try {
            Profile chosen = Profile.parse(profile);
            long records = count != null ? count : chosen == Profile.MASTERCONTROL ? MasterControlData.DEFAULT_RECORDS : 10_000_000;
            options = DemoApiOptions.defaults().withProfile(chosen).withPort(port).withAuth(AuthMode.parse(auth)).withRateLimit(rateLimit)
                    .withStart(Instant.parse(start)).withSpacing(Span.parse(every).approximate()).withCount(records).withSeed(seed);
            if (latency != null)
                options = options.withLatency(Span.parse(latency).approximate());
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new SluiceException(ErrorCode.USAGE, "demo-api: " + e.getMessage());
        }
        var stopped = new CountDownLatch(1);
        try (DemoApi api = DemoApi.start(options)) {
            for (String spec : faults) {
                try {
                    api.faults().add(Fault.parse(spec));
                } catch (IllegalArgumentException e) {
                    throw new SluiceException(ErrorCode.USAGE, "--fault " + e.getMessage());
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            if (portFile != null)
                writeAtomically(portFile, Integer.toString(api.baseUri().getPort()));
            System.out.println("demo API listening on " + api.baseUri() + " (profile " + options.profile().label() + ", auth "
                    + options.auth().label() + "); stop it with Ctrl-C");
            System.out.flush();
            stopped.await();
        }
        return 0;
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
