package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PostgresFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The same commands with the books in PostgreSQL, chosen with --state. */
class PostgresStateTest {
    @RegisterExtension
    static final PostgresFixture POSTGRES = new PostgresFixture();

    @TempDir
    Path dir;

    @Test
    void run_status_and_history_keep_the_books_in_postgresql_when_state_names_it() throws Exception {
        Path file = CliRun.pipeline(dir, "pg.yaml", """
                windows: {start: 2025-01-01T00:00:00Z, end: 2025-01-01T03:00:00Z, size: 1h}
                source: {type: generate, every: 1m}
                sink: {type: jsonl, path: out}
                """);

        CliRun run = CliRun.of("run", file.toString(), "--state", POSTGRES.jdbcUrl());
        CliRun again = CliRun.of("run", file.toString(), "--state", POSTGRES.jdbcUrl());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("state jdbc:postgresql:");
        assertThat(again.out()).containsIgnoringCase("up to date");
        JsonNode status = Reports.JSON.readTree(CliRun.of("status", file.toString(), "--state", POSTGRES.jdbcUrl(), "--json").out());
        assertThat(status.get("watermark").asString()).isEqualTo("2025-01-01T03:00:00Z");
        assertThat(status.get("windows").get("succeeded").asLong()).isEqualTo(3);
        assertThat(dir.resolve(".sluice")).as("no SQLite file was made").doesNotExist();
    }
}
