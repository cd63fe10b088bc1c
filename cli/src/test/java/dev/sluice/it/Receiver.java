package dev.sluice.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An HTTP receiver on 127.0.0.1 that does what the HTTP sink asks of one: it accepts JSON posts, keeps the
 * body of each idempotency key once and answers a repeated key with 200 without keeping it again. Keys
 * named in {@link #refuse} are answered 503 instead, every time, until {@link #accept} is called.
 */
final class Receiver implements AutoCloseable {
    /** One request as it arrived. */
    record Request(String method, String path, String key, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, String> kept = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    private Receiver(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static Receiver start() throws IOException {
        return new Receiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void refuse(String key) {
        refused.add(key);
    }

    void accept() {
        refused.clear();
    }

    /** Every request received, refused and repeated ones included, in order. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The body kept for each key, in the order keys were first accepted. */
    Map<String, String> kept() {
        lock.lock();
        try {
            return new LinkedHashMap<>(kept);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), key, body));
            if (key == null) {
                answer(exchange, 400, "{\"error\":\"Idempotency-Key is required\"}");
                return;
            }
            if (refused.contains(key)) {
                answer(exchange, 503, "{\"error\":\"not now\"}");
                return;
            }
            lock.lock();
            try {
                kept.putIfAbsent(key, body);
            } finally {
                lock.unlock();
            }
            answer(exchange, 200, "{\"accepted\":true}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
