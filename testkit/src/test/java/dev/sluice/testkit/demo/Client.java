package dev.sluice.testkit.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A JDK HttpClient aimed at one demo API, as the tests use it. A fresh client has no pooled connection. */
final class Client implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    Client(DemoApi api) {
        this.base = api.baseUri();
    }

    HttpResponse<String> get(String pathAndQuery, String... headers) {
        return unchecked(() -> send(request(pathAndQuery, headers).GET().build()));
    }

    /** Like {@link #get}, but lets the IOException of a broken answer through. */
    HttpResponse<String> tryGet(String pathAndQuery, String... headers) throws IOException {
        return send(request(pathAndQuery, headers).GET().build());
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        return unchecked(() -> tryPost(path, contentType, body, headers));
    }

    HttpResponse<String> tryPost(String path, String contentType, String body, String... headers) throws IOException {
        return send(request(path, headers).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The record ids of a page, whatever its shape. */
    static List<Long> ids(JsonNode page) {
        JsonNode list = page.isArray() ? page : page.has("items") ? page.get("items") : page.get("data");
        var ids = new ArrayList<Long>();
        list.forEach(r -> ids.add(r.get("id").asLong()));
        return ids;
    }

    static JsonNode json(HttpResponse<String> response) {
        return JsonMapper.shared().readTree(response.body());
    }

    private HttpRequest.Builder request(String pathAndQuery, String... headers) {
        URI uri = pathAndQuery.startsWith("http") ? URI.create(pathAndQuery) : base.resolve(pathAndQuery);
        var builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        return headers.length == 0 ? builder : builder.headers(headers);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static <T> T unchecked(IoCall<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface IoCall<T> {
        T run() throws IOException;
    }

    @Override
    public void close() {
        http.close();
    }
}
