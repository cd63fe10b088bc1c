package dev.sluice.connectors.jdbc;

import static dev.sluice.connectors.jdbc.JdbcSourceFixture.assertFails;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.execute;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.ids;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.pipeline;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.query;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.SnapshotWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.testkit.MariaDbFixture;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** The jdbc source on the local MariaDB: types, DATETIME and TIMESTAMP bounds in a time zone, streaming and errors. */
class MariaDbJdbcSourceTest {
    @RegisterExtension
    static final MariaDbFixture mariadb = new MariaDbFixture();
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dir;
    Source source;

    @BeforeAll
    static void tables() throws Exception {
        try (Connection c = mariadb.connect()) {
            execute(c, "SET time_zone = '+00:00'",
                    "CREATE TABLE events (id INT PRIMARY KEY, at_local DATETIME(6), at_instant TIMESTAMP(6) NULL)",
                    "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(20))",
                    "INSERT INTO items SELECT seq, CONCAT('item-', seq) FROM seq_1_to_2000",
                    """
                    CREATE FUNCTION fail_at(i BIGINT, bad BIGINT) RETURNS BIGINT DETERMINISTIC
                    BEGIN
                      IF i = bad THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'row refused on purpose'; END IF;
                      RETURN i;
                    END
                    """);
        }
    }

    @AfterEach
    void close() throws Exception {
        if (source != null)
            source.close();
    }

    private Source source(String windows, String body) throws Exception {
        source = JdbcSourceFixture.open(dir, pipeline(windows, mariadb.jdbcUrl(), "pool_size: 2", body));
        return source;
    }

    @Test
    void every_mariadb_type_becomes_its_exact_json_value() throws Exception {
        try (Connection c = mariadb.connect()) {
            execute(c, "SET time_zone = '+00:00'",
                    "CREATE TABLE types (tf TINYINT(1), bo BOOLEAN, b1 BIT(1), b8 BIT(8), ti TINYINT, si SMALLINT, i INT, iu INT UNSIGNED,"
                            + " bi BIGINT, bu BIGINT UNSIGNED, d DECIMAL(30,10), f FLOAT, db DOUBLE, c CHAR(3), v VARCHAR(10), t TEXT,"
                            + " e ENUM('x','y'), dt DATE, tm TIME(3), tl TIME, y YEAR, dtm DATETIME, ts TIMESTAMP NULL, j JSON,"
                            + " bl BLOB, vb VARBINARY(4), nul INT)",
                    "INSERT INTO types VALUES (1, 0, b'1', b'10000001', -5, 300, 70000, 4294967295, -9007199254740993, 18446744073709551615,"
                            + " 12345678901234567890.1234567890, 0.1, 0.1, 'ab', 'v', 'text', 'y', '2025-01-31', '10:00:01.500', '838:59:59',"
                            + " 2024, '2025-01-31 10:00:00', '2025-01-31 09:00:00', '{\"a\": [1, 2.50]}', x'00ff10', x'01', NULL)");
        }
        var s = source("{cursor: none}", "timezone: Europe/Berlin\n" + query("SELECT * FROM types"));

        ObjectNode r = readAll(s, new SnapshotWindow(Instant.parse("2025-01-01T00:00:00Z"))).getFirst().data();

        assertThat(r.get("tf").isBoolean()).isTrue();
        assertThat(r.get("tf").booleanValue()).isTrue();
        assertThat(r.get("bo").booleanValue()).isFalse();
        assertThat(r.get("b1").booleanValue()).isTrue();
        assertThat(r.get("b8").longValue()).isEqualTo(129);
        assertThat(r.get("ti").longValue()).isEqualTo(-5);
        assertThat(r.get("si").longValue()).isEqualTo(300);
        assertThat(r.get("i").longValue()).isEqualTo(70000);
        assertThat(r.get("iu").longValue()).isEqualTo(4294967295L);
        assertThat(r.get("bi").longValue()).isEqualTo(-9007199254740993L);
        assertThat(r.get("bu").bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(r.get("d").decimalValue()).isEqualTo(new BigDecimal("12345678901234567890.1234567890"));
        assertThat(r.get("f").doubleValue()).isEqualTo(0.1);
        assertThat(r.get("db").doubleValue()).isEqualTo(0.1);
        assertThat(r.get("c").stringValue()).isEqualTo("ab");
        assertThat(r.get("v").stringValue()).isEqualTo("v");
        assertThat(r.get("t").stringValue()).isEqualTo("text");
        assertThat(r.get("e").stringValue()).isEqualTo("y");
        assertThat(r.get("dt").stringValue()).isEqualTo("2025-01-31");
        assertThat(r.get("tm").stringValue()).isEqualTo("10:00:01.500");
        assertThat(r.get("tl").stringValue()).isEqualTo("838:59:59");
        assertThat(r.get("y").longValue()).isEqualTo(2024);
        assertThat(r.get("dtm").stringValue()).isEqualTo("2025-01-31T10:00:00+01:00");
        assertThat(r.get("ts").stringValue()).isEqualTo("2025-01-31T09:00:00Z");
        assertThat(r.get("j").toString()).isEqualTo("{\"a\":[1,2.50]}");
        assertThat(r.get("bl").stringValue()).isEqualTo("AP8Q");
        assertThat(r.get("vb").stringValue()).isEqualTo("AQ==");
        assertThat(r.get("nul").isNull()).isTrue();
    }

    @Test
    void text_columns_listed_in_json_columns_become_json_trees() throws Exception {
        var s = source("{cursor: none}", "json_columns: [doc]\n" + query("SELECT CAST('{\"k\": [true, null]}' AS CHAR) AS doc, 'plain' AS other"));

        ObjectNode r = readAll(s, new SnapshotWindow(Instant.parse("2025-01-01T00:00:00Z"))).getFirst().data();

        assertThat(r.get("doc").toString()).isEqualTo("{\"k\":[true,null]}");
        assertThat(r.get("other").stringValue()).isEqualTo("plain");
    }

    @Test
    void a_time_window_reads_datetime_rows_at_its_start_and_not_at_its_end_in_the_source_zone() throws Exception {
        try (Connection c = mariadb.connect()) {
            execute(c, "DELETE FROM events",
                    // Berlin is at +02:00 in June: 12:00 local is 10:00Z.
                    "INSERT INTO events (id, at_local) VALUES (1, '2025-06-01 11:59:59.999999'), (2, '2025-06-01 12:00:00'),"
                            + " (3, '2025-06-01 12:59:59.999999'), (4, '2025-06-01 13:00:00')");
        }
        var s = source("{cursor: time, start: 2025-06-01T00:00:00Z, size: 1h}", "timezone: Europe/Berlin\n"
                + query("SELECT id, at_local FROM events WHERE at_local >= :window_start AND at_local < :window_end ORDER BY id"));

        List<DataRecord> read = readAll(s, new TimeWindow(Instant.parse("2025-06-01T10:00:00Z"), Instant.parse("2025-06-01T11:00:00Z")));

        assertThat(ids(read)).containsExactly(2L, 3L);
        assertThat(read.getFirst().data().get("at_local").stringValue()).isEqualTo("2025-06-01T12:00:00+02:00");
    }

    @Test
    void a_time_window_reads_timestamp_rows_by_instant_with_the_utc_parameters() throws Exception {
        try (Connection c = mariadb.connect()) {
            execute(c, "SET time_zone = '+00:00'", "DELETE FROM events",
                    "INSERT INTO events (id, at_instant) VALUES (1, '2025-06-01 09:59:59.999999'), (2, '2025-06-01 10:00:00'),"
                            + " (3, '2025-06-01 10:59:59.999999'), (4, '2025-06-01 11:00:00')");
        }
        var s = source("{cursor: time, start: 2025-06-01T00:00:00Z, size: 1h}", "timezone: Europe/Berlin\n"
                + query("SELECT id, at_instant FROM events WHERE at_instant >= :window_start_utc AND at_instant < :window_end_utc ORDER BY id"));

        List<DataRecord> read = readAll(s, new TimeWindow(Instant.parse("2025-06-01T10:00:00Z"), Instant.parse("2025-06-01T11:00:00Z")));

        assertThat(ids(read)).containsExactly(2L, 3L);
        assertThat(read.getFirst().data().get("at_instant").stringValue()).isEqualTo("2025-06-01T10:00:00Z");
    }

    @Test
    void on_the_day_clocks_go_back_hourly_windows_read_every_datetime_once_and_inside_its_window() throws Exception {
        // Local times every 10 minutes of a clock in Berlin from midnight: 02:00-02:50 come twice, as in a real table.
        var values = new ArrayList<String>();
        Instant midnight = Instant.parse("2025-10-25T22:00:00Z");
        for (int i = 0; i <= 36; i++)
            values.add("(" + (i + 1) + ", '" + LocalDateTime.ofInstant(midnight.plusSeconds(600L * i), BERLIN) + "')");
        try (Connection c = mariadb.connect()) {
            execute(c, "DELETE FROM events", "INSERT INTO events (id, at_local) VALUES " + String.join(", ", values));
        }
        var s = source("{cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}", "timezone: Europe/Berlin\n"
                + query("SELECT id, at_local FROM events WHERE at_local >= :window_start AND at_local < :window_end ORDER BY id"));

        var seen = new ArrayList<Long>();
        for (int h = -1; h < 8; h++) {
            var w = new TimeWindow(midnight.plusSeconds(h * 3600L), midnight.plusSeconds((h + 1) * 3600L));
            for (DataRecord r : readAll(s, w)) {
                seen.add(r.data().get("id").asLong());
                Instant at = OffsetDateTime.parse(r.data().get("at_local").stringValue()).toInstant();
                assertThat(w.contains(at)).as("%s read in %s", at, w).isTrue();
            }
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize(values.size());
    }

    @Test
    void an_id_window_reads_from_its_start_up_to_but_not_including_its_end() throws Exception {
        var s = source("{cursor: id, start: 1, end: 2001, size: 1000}", query("SELECT id FROM items WHERE id >= :id_start AND id < :id_end ORDER BY id"));

        assertThat(ids(readAll(s, new IdWindow(1995, 2001)))).containsExactly(1995L, 1996L, 1997L, 1998L, 1999L, 2000L);
    }

    @Test
    void rows_are_fetched_as_pages_are_read_not_all_when_the_query_starts() throws Exception {
        // Row 150000 fails. Were the whole result fetched at once, the first read would fail.
        var s = source("{cursor: id, start: 1, end: 200001}", "page_size: 500\nfetch_size: 500\n"
                + query("SELECT seq AS id, fail_at(seq, 150000) AS x FROM seq_1_to_200000 WHERE seq >= :id_start AND seq < :id_end"));
        var window = new IdWindow(1, 200001);

        Page first = s.read(window, Optional.empty());
        assertThat(first.records()).hasSize(500);
        long read = first.records().size();
        Optional<String> after = first.next();
        SluiceException failure = null;
        try {
            while (after.isPresent()) {
                Page p = s.read(window, after);
                read += p.records().size();
                after = p.next();
            }
        } catch (SluiceException e) {
            failure = e;
        }

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("row refused on purpose", "45000");
        assertThat(read).isGreaterThan(500L).isLessThan(150_000L);
    }

    @Test
    void the_pooled_connection_gets_its_session_settings_back_after_a_window() throws Exception {
        // One connection in the pool: what the test borrows is the connection the window is read on.
        source = JdbcSourceFixture.open(dir, pipeline("{cursor: none}", mariadb.jdbcUrl(), "pool_size: 1",
                query("SELECT @@session.time_zone AS tz, @@session.net_write_timeout AS nwt")));
        String before = sessionSettings();
        var during = readAll(source, new SnapshotWindow(Instant.parse("2025-01-01T00:00:00Z"))).getFirst().data();
        String after = sessionSettings();

        assertThat(during.get("tz").stringValue()).isEqualTo("+00:00");
        assertThat(during.get("nwt").asLong()).isEqualTo(3600);
        assertThat(after).isEqualTo(before).isEqualTo("+00:00/" + before.substring(before.indexOf('/') + 1));
        assertThat(after).doesNotEndWith("/3600");
    }

    private String sessionSettings() throws Exception {
        try (Connection c = ((JdbcSource) source).connection().borrow(); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT @@session.time_zone, @@session.net_write_timeout")) {
            r.next();
            String v = r.getString(1) + "/" + r.getString(2);
            c.rollback();
            return v;
        }
    }

    @Test
    void an_sql_error_names_the_statement_the_window_and_the_database_message_with_its_sqlstate() throws Exception {
        var s = source("{cursor: id, start: 1, end: 2001, size: 1000}",
                "name: new_payments\n" + query("SELECT nope FROM items WHERE id >= :id_start AND id < :id_end"));

        assertFails(() -> s.read(new IdWindow(1, 10), Optional.empty()))
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.SOURCE_REJECTED))
                .hasMessageContaining("jdbc source 'new_payments'")
                .hasMessageContaining("window [1, 10)")
                .hasMessageContaining("Unknown column 'nope'")
                .hasMessageContaining("SQLState 42S22");
    }
}
