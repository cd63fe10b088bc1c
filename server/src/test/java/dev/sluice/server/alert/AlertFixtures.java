package dev.sluice.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.config.Connectors;
import dev.sluice.testkit.LogLines;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Helpers shared by the alert tests: a webhook receiver, settings from YAML, log capture. */
public final class AlertFixtures {
    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    /** Millisecond backoffs, so that a test of retries takes no time. */
    static final Deliveries.Retry QUICK = new Deliveries.Retry(3, Duration.ofMillis(1));
    static final Duration WAIT = Duration.ofSeconds(20);

    private AlertFixtures() {
    }

    /**
     * Binds {@code yaml} (a whole settings file with an {@code alerts:} key) as the service would, with
     * {@code env} as the environment.
     */
    static AlertSettings settings(String yaml, Map<String, String> env) {
        return load(yaml, env, top -> top.object("alerts").map(AlertSettings::bind).orElse(null));
    }

    static <T> T load(String yaml, Map<String, String> env, Function<ConfigObject, T> binder) {
        var loader = new ConfigLoader(name -> Optional.ofNullable(env.get(name)), new Connectors(Map.of(), Map.of()));
        return loader.loadDocument(Path.of("sluice-serve.yaml"), yaml, "the service settings", binder);
    }

    static AlertEvent windowFailed(String pipeline, String errorId, Instant at) {
        return new AlertEvent(Condition.WINDOW_FAILED, pipeline, Severity.CRITICAL, Optional.of(errorId),
                "GET /v1/orders returned 503 after 5 attempts", Map.of("window", "2026-05-01T09:00Z/2026-05-01T10:00Z"), at);
    }

    static void idle(Alerter alerter) throws InterruptedException {
        assertThat(alerter.awaitIdle(WAIT)).as("deliveries finished").isTrue();
    }

    /** An incoming webhook on 127.0.0.1 that records every request and answers with the status the test sets. */
    public static final class WebhookReceiver implements AutoCloseable {
        record Request(String path, Map<String, List<String>> headers, String body) {
            JsonNode json() {
                return JsonMapper.shared().readTree(body);
            }

            String header(String name) {
                return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().getFirst())
                        .findFirst().orElse(null);
            }
        }

        private final HttpServer server;
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private final LinkedBlockingQueue<Integer> statuses = new LinkedBlockingQueue<>();
        private volatile int status = 200;
        private volatile CountDownLatch gate = new CountDownLatch(0);

        public WebhookReceiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> {
                try (exchange) {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    requests.add(new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
                    gate.await(30, TimeUnit.SECONDS);
                    Integer next = statuses.poll();
                    int answer = next != null ? next : status;
                    // a failure names the hook, as real receivers do: the token in its path must not reach a log
                    byte[] out = (answer == 200 ? "ok" : "trouble with hook " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(answer, out.length);
                    exchange.getResponseBody().write(out);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        /** A URL with a token in its path, as chat tools hand out. */
        public String url(String token) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/T000/B000/" + token;
        }

        /** Answers {@code status} from now on. */
        void answer(int status) {
            this.status = status;
        }

        /** Answers these statuses to the next requests, then the usual one. */
        void answerNext(Integer... statuses) {
            this.statuses.addAll(List.of(statuses));
        }

        /** Holds every answer until {@link #open()}. */
        void hold() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        List<Request> requests() {
            return List.copyOf(requests);
        }

        public List<JsonNode> bodies() {
            return requests.stream().map(Request::json).toList();
        }

        @Override
        public void close() {
            open();
            server.stop(0);
        }
    }

    /** Collects what the alert package logs while open. */
    static LogLines logLines() {
        return new LogLines("dev.sluice.server.alert");
    }
}
