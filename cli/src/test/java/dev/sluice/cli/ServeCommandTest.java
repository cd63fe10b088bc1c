package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code sluice serve} as a process: it starts, answers, logs JSON with pipeline and run ids, and stops cleanly on SIGTERM. */
class ServeCommandTest {
    private static final Pattern LISTENING = Pattern.compile("on (http://127\\.0\\.0\\.1:\\d+/)");

    @TempDir
    Path dir;

    @Test
    void serve_runs_the_folders_pipelines_answers_its_api_logs_json_and_stops_cleanly_on_sigterm() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("hours.yaml"), """
                name: hours
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T03:00:00Z, size: 1h}
                source: {type: generate, every: 1m}
                sink: {type: jsonl, path: ../out}
                schedule: {every: 1h}
                """);
        Files.writeString(pipelines.resolve("broken.yaml"), "name: broken\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = dir.resolve("stderr.log");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--pipelines", pipelines.toString(), "--listen", "127.0.0.1:0", "--log-format", "json")
                .redirectError(stderr.toFile()).start();
        try (var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).startsWith("sluice serve: 1 pipeline(s)").contains("1 file(s) skipped");
            Matcher m = LISTENING.matcher(first);
            assertThat(m.find()).isTrue();
            var http = HttpClient.newHttpClient();
            URI health = URI.create(m.group(1) + "api/v1/health");
            assertThat(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            // The interval schedule runs the pipeline at start: its three windows land in the output.
            URI runs = URI.create(m.group(1) + "api/v1/pipelines/hours");
            JsonNode detail;
            do {
                detail = Reports.JSON.readTree(http.send(HttpRequest.newBuilder(runs).build(), HttpResponse.BodyHandlers.ofString()).body());
            } while (detail.get("windows").get("succeeded").asInt() < 3 && p.isAlive());
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("the exit code of a stop by SIGTERM, as documented in CLI.md").isEqualTo(143);
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(stderr))
            if (line.startsWith("{"))
                events.add(Reports.JSON.readTree(line));
        JsonNode committed = events.stream().filter(e -> e.path("message").asString().equals("window committed")).findFirst().orElseThrow();
        assertThat(committed.get("pipeline").asString()).isEqualTo("hours");
        assertThat(committed.has("run")).isTrue();
        assertThat(events).anySatisfy(e -> assertThat(e.path("message").asString()).contains("broken.yaml is skipped"));
        assertThat(Files.readString(stderr)).contains("sluice serve: stopping");
    }
}
