package dev.sluice.connectors.jdbc;

import static dev.sluice.connectors.jdbc.SinkFixture.BOOKS_ELSEWHERE;
import static dev.sluice.connectors.jdbc.SinkFixture.W1;
import static dev.sluice.connectors.jdbc.SinkFixture.rows;
import static dev.sluice.connectors.jdbc.SinkFixture.window;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spi.Sink;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC sink on SQLite, which needs no server: create and upsert with ON CONFLICT. */
class JdbcSinkSqliteTest {
    @TempDir
    Path dir;

    @Test
    void a_created_table_takes_upserts_by_key() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("out.db");
        Sink sink = SinkFixture.open(dir, url, """
                {type: jdbc, connection: db, table: readings, mode: upsert, key: [sensor, at], create: true,
                 columns: {sensor: text, at: text, value: real}}""", BOOKS_ELSEWHERE);
        try (sink) {
            window(sink, W1, "{\"sensor\": \"a\", \"at\": \"t1\", \"value\": 1.5}", "{\"sensor\": \"b\", \"at\": \"t1\", \"value\": 2}");
            window(sink, W1, "{\"sensor\": \"a\", \"at\": \"t1\", \"value\": 9.5}");
        }
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(rows(c, "SELECT sensor, value FROM readings ORDER BY sensor"))
                    .containsExactly(Map.of("sensor", "a", "value", "9.5"), Map.of("sensor", "b", "value", "2.0"));
        }
    }
}
