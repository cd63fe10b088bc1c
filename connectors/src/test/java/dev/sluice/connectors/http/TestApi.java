package dev.sluice.connectors.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP server on 127.0.0.1 for the tests of this package: each path answers with a script of
 * replies (the last one repeats), and every request is recorded with the moment it arrived.
 */
final class TestApi implements AutoCloseable {
    /** One request as the server saw it. {@code nanos} is System.nanoTime() on arrival. */
    record Request(String method, String path, String rawQuery, Headers headers, String body, long nanos) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    @FunctionalInterface
    interface Reply {
        void send(HttpExchange exchange, Request request) throws IOException;
    }

    private record Route(List<Reply> replies, AtomicInteger next) {
        Reply take() {
            return replies.get(Math.min(next.getAndIncrement(), replies.size() - 1));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private TestApi(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static TestApi start() throws IOException {
        return new TestApi(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
    }

    static TestApi startTls(SSLContext context) throws IOException {
        var https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context));
        return new TestApi(https);
    }

    URI url(String path) {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Answers requests to {@code path} with {@code replies} in turn, repeating the last. */
    TestApi on(String path, Reply... replies) {
        routes.put(path, new Route(List.of(replies), new AtomicInteger()));
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        URI uri = exchange.getRequestURI();
        var request = new Request(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), exchange.getRequestHeaders(), body, arrived);
        requests.add(request);
        Route route = routes.get(uri.getRawPath());
        try {
            if (route == null)
                json(404, "{\"error\":\"no route " + uri.getRawPath() + "\"}").send(exchange, request);
            else
                route.take().send(exchange, request);
        } finally {
            exchange.close();
        }
    }

    static Reply json(int status, String body, String... headerPairs) {
        return (exchange, request) -> {
            for (int i = 0; i + 1 < headerPairs.length; i += 2)
                exchange.getResponseHeaders().add(headerPairs[i], headerPairs[i + 1]);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    static Reply ok(String body) {
        return json(200, body);
    }

    static Reply status(int status) {
        return json(status, "{\"status\":" + status + "}");
    }

    /**
     * Closes the connection without answering. The JDK's client repeats a GET once by itself when this
     * happens (it takes it for a stale pooled connection), so only the second one in a row reaches the caller.
     */
    static Reply dropConnection() {
        return (exchange, request) -> {
            throw new IOException("test: dropping the connection");
        };
    }

    /** Starts a 200 answer of 1000 bytes, sends 10 and closes the connection: an I/O error in the body. */
    static Reply cutOff() {
        return (exchange, request) -> {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write(new byte[10]);
            exchange.getResponseBody().flush();
            throw new IOException("test: cutting the answer off");
        };
    }

    /** Never answers, until the server closes. */
    Reply silence() {
        return (exchange, request) -> {
            try {
                closing.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Sends the headers, then one byte every {@code every}, for as long as the client reads. */
    static Reply trickle(Duration every) {
        return (exchange, request) -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            try {
                for (int i = 0; i < 10_000; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(every); // the server's pace, not the test's synchronisation
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** A body of {@code size} bytes, sent chunked (no Content-Length) or with its length declared. */
    static Reply bytes(int size, boolean declareLength) {
        return (exchange, request) -> {
            exchange.sendResponseHeaders(200, declareLength ? size : 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[8192];
                java.util.Arrays.fill(chunk, (byte) 'a');
                for (int sent = 0; sent < size; sent += chunk.length)
                    out.write(chunk, 0, Math.min(chunk.length, size - sent));
            } catch (IOException e) {
                // the client hung up, as it should past its cap
            }
        };
    }
}
