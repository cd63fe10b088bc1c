package dev.sluice.connectors.jdbc;

import static dev.sluice.connectors.jdbc.JdbcSourceFixture.execute;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.ids;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.pipeline;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.query;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Source;
import dev.sluice.core.window.SnapshotWindow;
import dev.sluice.core.window.TimeWindow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** The jdbc source on an SQLite file: values keep their stored form, and time bounds are SQLite's date-time text. */
class SqliteJdbcSourceTest {
    @TempDir
    Path dir;
    Source source;
    String url;

    @BeforeEach
    void database() throws Exception {
        url = "jdbc:sqlite:" + dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection(url)) {
            execute(c, "CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT)",
                    "INSERT INTO events VALUES (1, '2025-06-01 11:59:59.999'), (2, '2025-06-01 12:00:00'), (3, '2025-06-01 12:59:59.999'),"
                            + " (4, '2025-06-01 13:00:00')");
        }
    }

    @AfterEach
    void close() throws Exception {
        if (source != null)
            source.close();
    }

    @Test
    void sqlite_values_keep_their_stored_form_and_declared_booleans_and_json_are_typed() throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            execute(c, "CREATE TABLE types (i INTEGER, big INTEGER, r REAL, t TEXT, b BOOLEAN, j JSON, bl BLOB, d DATETIME, n INTEGER)",
                    "INSERT INTO types VALUES (7, 9007199254740993, 0.25, 'x', 1, '{\"a\": [1.50]}', x'00ff10', '2025-01-31 10:00:00', NULL)");
        }
        source = JdbcSourceFixture.open(dir, pipeline("{cursor: none}", url, "", query("SELECT * FROM types")));

        ObjectNode r = readAll(source, new SnapshotWindow(Instant.parse("2025-01-01T00:00:00Z"))).getFirst().data();

        assertThat(r.get("i").longValue()).isEqualTo(7);
        assertThat(r.get("big").longValue()).isEqualTo(9007199254740993L);
        assertThat(r.get("r").doubleValue()).isEqualTo(0.25);
        assertThat(r.get("t").stringValue()).isEqualTo("x");
        assertThat(r.get("b").booleanValue()).isTrue();
        assertThat(r.get("j").toString()).isEqualTo("{\"a\":[1.50]}");
        assertThat(r.get("bl").stringValue()).isEqualTo("AP8Q");
        assertThat(r.get("d").stringValue()).isEqualTo("2025-01-31 10:00:00");
        assertThat(r.get("n").isNull()).isTrue();
    }

    @Test
    void a_time_window_compares_sqlite_date_time_text_in_the_source_zone_half_open() throws Exception {
        source = JdbcSourceFixture.open(dir, pipeline("{cursor: time, start: 2025-06-01T00:00:00Z, size: 1h}", url, "",
                "timezone: Europe/Berlin\n" + query("SELECT id FROM events WHERE at >= :window_start AND at < :window_end ORDER BY id")));

        List<DataRecord> read = readAll(source, new TimeWindow(Instant.parse("2025-06-01T10:00:00Z"), Instant.parse("2025-06-01T11:00:00Z")));

        assertThat(ids(read)).containsExactly(2L, 3L);
    }
}
