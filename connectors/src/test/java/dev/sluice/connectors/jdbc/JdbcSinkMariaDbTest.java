package dev.sluice.connectors.jdbc;

import static dev.sluice.connectors.jdbc.SinkFixture.BOOKS_ELSEWHERE;
import static dev.sluice.connectors.jdbc.SinkFixture.IDS;
import static dev.sluice.connectors.jdbc.SinkFixture.W1;
import static dev.sluice.connectors.jdbc.SinkFixture.execute;
import static dev.sluice.connectors.jdbc.SinkFixture.rows;
import static dev.sluice.connectors.jdbc.SinkFixture.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.spi.Sink;
import dev.sluice.testkit.MariaDbFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC sink on a real MariaDB: types, upsert with ON DUPLICATE KEY, replace, and plain inserts refused. */
class JdbcSinkMariaDbTest {
    @RegisterExtension
    static final MariaDbFixture mariadb = new MariaDbFixture();

    @TempDir
    Path dir;
    Connection db;
    Sink sink;

    @BeforeEach
    void connect() throws Exception {
        db = mariadb.connect();
        execute(db, "DROP TABLE IF EXISTS orders", "DROP TABLE IF EXISTS typed",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, amount DECIMAL(12,2), placed_at DATETIME(3), note TEXT)");
    }

    @AfterEach
    void close() throws Exception {
        if (sink != null)
            sink.close();
        db.close();
    }

    @Test
    void every_type_is_written_exactly() throws Exception {
        execute(db, "CREATE TABLE typed (n BIGINT, d DECIMAL(30,10), f DOUBLE, b BOOLEAN, t TEXT, j JSON, bin BLOB, day DATE, "
                + "at TIME, local DATETIME, zoned TIMESTAMP NULL)");
        sink = SinkFixture.open(dir, mariadb.jdbcUrl(), "{type: jdbc, connection: db, table: typed, timezone: America/New_York}", SinkFixture.BOOKS_HERE);
        window(sink, W1, """
                {"n": 9007199254740993, "d": 12345678901234567890.0123456789, "f": 0.1, "b": true, "t": "it's \\"here\\"",
                 "j": {"k": [1, "x"]}, "bin": "AAEC/w==", "day": "2024-03-10", "at": "13:45:30", "local": "2024-03-10T07:30:00Z",
                 "zoned": "2024-03-10T07:30:00Z"}""");
        execute(db, "SET time_zone = '+00:00'");
        var row = rows(db, "SELECT n, d, f, b, t, JSON_EXTRACT(j, '$.k[1]') AS j, HEX(bin) AS bin, day, at, local, zoned FROM typed").getFirst();
        var expected = new java.util.LinkedHashMap<String, String>();
        expected.put("n", "9007199254740993");
        expected.put("d", "12345678901234567890.0123456789");
        expected.put("f", "0.1");
        expected.put("b", "1");
        expected.put("t", "it's \"here\"");
        expected.put("j", "\"x\"");
        expected.put("bin", "000102FF");
        expected.put("day", "2024-03-10");
        expected.put("at", "13:45:30");
        expected.put("local", "2024-03-10 03:30:00"); // New York, summer time from 02:00 that day
        expected.put("zoned", "2024-03-10 07:30:00");
        assertThat(row).containsExactlyEntriesOf(expected);
    }

    @Test
    void upsert_updates_rows_by_key_with_on_duplicate_key() throws Exception {
        sink = SinkFixture.open(dir, mariadb.jdbcUrl(), "{type: jdbc, connection: db, table: orders, mode: upsert, key: [id], batch_size: 2}",
                BOOKS_ELSEWHERE);
        window(sink, W1, "{\"id\": 1, \"note\": \"first\"}", "{\"id\": 2, \"note\": \"first\"}", "{\"id\": 3, \"note\": \"first\"}");
        window(sink, W1, "{\"id\": 1, \"note\": \"again\"}", "{\"id\": 3, \"note\": \"again\"}", "{\"id\": 3, \"note\": \"last\"}");
        assertThat(rows(db, "SELECT id, note FROM orders ORDER BY id")).containsExactly(
                Map.of("id", "1", "note", "again"), Map.of("id", "2", "note", "first"), Map.of("id", "3", "note", "last"));
    }

    @Test
    void replace_by_an_id_column_deletes_the_id_window_before_inserting() throws Exception {
        execute(db, "ALTER TABLE orders DROP PRIMARY KEY");
        sink = SinkFixture.open(dir, mariadb.jdbcUrl(), "{type: jdbc, connection: db, table: orders, mode: replace, window_column: id}",
                BOOKS_ELSEWHERE);
        window(sink, IDS, "{\"id\": 1}", "{\"id\": 100}");
        window(sink, IDS, "{\"id\": 1}", "{\"id\": 100}");
        assertThat(rows(db, "SELECT id FROM orders ORDER BY id")).extracting(r -> r.get("id")).containsExactly("1", "100");
    }

    @Test
    void plain_inserts_are_refused_because_the_books_cannot_be_kept_in_mariadb() {
        assertThatThrownBy(() -> sink = SinkFixture.open(dir, mariadb.jdbcUrl(), "{type: jdbc, connection: db, table: orders}", BOOKS_ELSEWHERE))
                .hasMessageContaining("mode: insert would insert a window's rows twice");
    }
}
