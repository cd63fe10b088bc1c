package dev.sluice.server;

import dev.sluice.core.Secret;
import dev.sluice.server.alert.Alerter;
import dev.sluice.core.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A real service with its API on a free port over a folder of pipelines, and an HTTP client for it. */
final class Served implements AutoCloseable {
    static final String TOKEN = "test-token-0123456789abcdef";

    final Path folder;
    final Service service;
    final Api api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Served(Path folder, Service service, Api api) {
        this.folder = folder;
        this.service = service;
        this.api = api;
    }

    /** Starts the service's API without its control thread: tests call reload() and tick() themselves. */
    static Served manual(Path folder, String host, Clock clock, Alerter alerts) {
        return manual(folder, ServeSettings.defaults().withListen(host, 0), clock, alerts);
    }

    static Served manual(Path folder, ServeSettings base, Clock clock, Alerter alerts) {
        var settings = base.withTokens(List.of(new Secret(TOKEN)));
        var service = new Service(settings, folder, ConfigLoader.standard(), clock, alerts);
        var api = new Api(service, new Tokens(settings.tokens()));
        api.start();
        service.reload();
        return new Served(folder, service, api);
    }

    static Path write(Path folder, String file, String yaml) {
        try {
            Files.createDirectories(folder);
            Path p = folder.resolve(file);
            Files.writeString(p, yaml);
            return p;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    HttpResponse<String> get(String path, String token) {
        var b = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null)
            b.header("Authorization", "Bearer " + token);
        return send(b.build());
    }

    HttpResponse<String> post(String path, String body, String token) {
        var b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        if (token != null)
            b.header("Authorization", "Bearer " + token);
        return send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        return Api.JSON.readTree(r.body());
    }

    @Override
    public void close() {
        try {
            service.close();
        } finally {
            api.close();
        }
    }
}
