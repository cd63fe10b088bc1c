package dev.sluice.bench;

import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The demo API in a JVM of its own, so that a benchmark's heap and CPU figures hold only the pipeline: serves
 * {@code COUNT} records {@code SECONDS} apart from 2025-01-01T00:00:00Z, writes its port to {@code PORT_FILE} once it
 * listens, and runs until killed.
 *
 * <p>Usage: {@code java -cp ... dev.sluice.bench.DemoApiServer PORT_FILE COUNT SECONDS}.
 */
public final class DemoApiServer {
    public static void main(String[] args) throws Exception {
        Path portFile = Path.of(args[0]);
        var options = DemoApiOptions.defaults().withCount(Long.parseLong(args[1])).withSpacing(Duration.ofSeconds(Long.parseLong(args[2])));
        try (DemoApi api = DemoApi.start(options)) {
            Path partial = portFile.resolveSibling(portFile.getFileName() + ".partial");
            Files.writeString(partial, Integer.toString(api.baseUri().getPort()));
            Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE); // a reader never sees half a port
            new CountDownLatch(1).await();
        }
    }
}
