package dev.sluice.connectors.jdbc;

import static dev.sluice.connectors.jdbc.SinkFixture.BOOKS_ELSEWHERE;
import static dev.sluice.connectors.jdbc.SinkFixture.BOOKS_HERE;
import static dev.sluice.connectors.jdbc.SinkFixture.W1;
import static dev.sluice.connectors.jdbc.SinkFixture.W2;
import static dev.sluice.connectors.jdbc.SinkFixture.execute;
import static dev.sluice.connectors.jdbc.SinkFixture.record;
import static dev.sluice.connectors.jdbc.SinkFixture.rows;
import static dev.sluice.connectors.jdbc.SinkFixture.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.testkit.PostgresFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JDBC sink on a real PostgreSQL: COPY and batched inserts, every type, upsert, replace, and what fails how. */
class JdbcSinkPostgresTest {
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    @TempDir
    Path dir;
    Connection db;
    Sink sink;

    @BeforeEach
    void connect() throws Exception {
        db = postgres.connect();
        execute(db, "DROP TABLE IF EXISTS orders", "DROP TABLE IF EXISTS typed", "DROP TABLE IF EXISTS created");
        execute(db, "CREATE TABLE orders (id BIGINT PRIMARY KEY, amount NUMERIC(12,2), placed_at TIMESTAMPTZ, note TEXT)");
    }

    @AfterEach
    void close() throws Exception {
        if (sink != null)
            sink.close();
        db.close();
    }

    @ParameterizedTest(name = "copy: {0}")
    @ValueSource(strings = {"on", "off"})
    void every_type_is_written_exactly(String copy) throws Exception {
        execute(db, "CREATE TABLE typed (n BIGINT, d NUMERIC(30,10), f DOUBLE PRECISION, b BOOLEAN, t TEXT, j JSONB, bin BYTEA, "
                + "day DATE, at TIME, local TIMESTAMP, zoned TIMESTAMPTZ, u UUID)");
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: typed, copy: " + copy
                + ", timezone: America/New_York}", BOOKS_HERE);
        window(sink, W1, """
                {"n": 9007199254740993, "d": 12345678901234567890.0123456789, "f": 0.1, "b": true,
                 "t": "a \\"quoted\\", comma\\nand newline", "j": {"k": [1, 2.50, "x"]}, "bin": "AAEC/w==",
                 "day": "2024-03-10", "at": "13:45:30", "local": "2024-03-10T07:30:00Z", "zoned": "2024-03-10T02:30:00-05:00",
                 "u": "123e4567-e89b-12d3-a456-426614174000"}""", "{\"n\": null, \"t\": \"\"}");
        execute(db, "SET TIME ZONE 'UTC'");
        var rows = rows(db, "SELECT n, d::text, f, b, t, j::text, encode(bin, 'hex') AS bin, day, at, local, zoned, u FROM typed ORDER BY n NULLS LAST");
        var expected = new java.util.LinkedHashMap<String, String>();
        expected.put("n", "9007199254740993");
        expected.put("d", "12345678901234567890.0123456789");
        expected.put("f", "0.1");
        expected.put("b", "t");
        expected.put("t", "a \"quoted\", comma\nand newline");
        expected.put("j", "{\"k\": [1, 2.50, \"x\"]}");
        expected.put("bin", "000102ff");
        expected.put("day", "2024-03-10");
        expected.put("at", "13:45:30");
        expected.put("local", "2024-03-10 03:30:00"); // 07:30Z is 03:30 in New York once summer time began at 02:00
        expected.put("zoned", "2024-03-10 07:30:00+00");
        expected.put("u", "123e4567-e89b-12d3-a456-426614174000");
        assertThat(rows.get(0)).containsExactlyEntriesOf(expected);
        assertThat(rows.get(1).get("n")).isNull();
        assertThat(rows.get(1).get("t")).as("an empty string stays empty, not null").isEmpty();
        assertThat(rows.get(1).get("d")).isNull();
    }

    @Test
    void rows_are_invisible_until_the_window_commits() throws Exception {
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders}", BOOKS_HERE);
        try (WindowWriter writer = sink.begin(W1)) {
            for (int i = 1; i <= 2500; i++)
                writer.write(record("{\"id\": " + i + ", \"amount\": 1.50}"));
            assertThat(rows(db, "SELECT count(*) AS n FROM orders").getFirst().get("n")).isEqualTo("0");
            writer.commit();
        }
        assertThat(rows(db, "SELECT count(*) AS n, sum(amount) AS total FROM orders").getFirst())
                .containsEntry("n", "2500").containsEntry("total", "3750.00");
    }

    @Test
    void a_window_closed_without_commit_leaves_no_row() throws Exception {
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders}", BOOKS_HERE);
        try (WindowWriter writer = sink.begin(W1)) {
            writer.write(record("{\"id\": 1}"));
        }
        assertThat(rows(db, "SELECT id FROM orders")).isEmpty();
        window(sink, W1, "{\"id\": 1}");
        assertThat(rows(db, "SELECT id FROM orders")).hasSize(1);
    }

    @ParameterizedTest(name = "copy: {0}")
    @ValueSource(strings = {"on", "off"})
    void upsert_updates_rows_by_key_and_the_last_row_of_a_key_in_a_window_wins(String copy) throws Exception {
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders, mode: upsert, key: [id], copy: " + copy + "}",
                BOOKS_ELSEWHERE);
        window(sink, W1, "{\"id\": 1, \"note\": \"first\"}", "{\"id\": 2, \"note\": \"first\"}");
        window(sink, W1, "{\"id\": 1, \"note\": \"again\"}", "{\"id\": 2, \"note\": \"again\"}", "{\"id\": 2, \"note\": \"last\"}");
        assertThat(rows(db, "SELECT id, note FROM orders ORDER BY id")).containsExactly(
                Map.of("id", "1", "note", "again"), Map.of("id", "2", "note", "last"));
    }

    @ParameterizedTest(name = "copy: {0}")
    @ValueSource(strings = {"on", "off"})
    void replace_deletes_the_rows_of_the_window_so_a_rerun_does_not_duplicate(String copy) throws Exception {
        execute(db, "ALTER TABLE orders DROP CONSTRAINT orders_pkey");
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders, mode: replace, window_column: placed_at, copy: "
                + copy + "}", BOOKS_ELSEWHERE);
        window(sink, W1, "{\"id\": 1, \"placed_at\": \"2025-01-01T00:00:00Z\"}", "{\"id\": 2, \"placed_at\": \"2025-01-01T00:59:59Z\"}");
        window(sink, W2, "{\"id\": 3, \"placed_at\": \"2025-01-01T01:00:00Z\"}");
        window(sink, W1, "{\"id\": 1, \"placed_at\": \"2025-01-01T00:00:00Z\"}", "{\"id\": 2, \"placed_at\": \"2025-01-01T00:59:59Z\"}");
        assertThat(rows(db, "SELECT id FROM orders ORDER BY id")).extracting(r -> r.get("id")).containsExactly("1", "2", "3");
    }

    @Test
    void create_makes_the_table_from_the_declared_columns_with_the_key_as_primary_key() throws Exception {
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), """
                {type: jdbc, connection: db, table: created, mode: upsert, key: [id], create: true,
                 columns: {id: bigint, amount: "numeric(12,2)", seen_at: timestamptz}}""", BOOKS_ELSEWHERE);
        window(sink, W1, "{\"id\": 7, \"amount\": 2.5, \"seen_at\": \"2025-01-01T00:00:00Z\"}");
        window(sink, W1, "{\"id\": 7, \"amount\": 3.5, \"seen_at\": \"2025-01-01T00:00:00Z\"}");
        assertThat(rows(db, "SELECT id, amount FROM created")).containsExactly(Map.of("id", "7", "amount", "3.50"));
        assertThat(rows(db, "SELECT constraint_type FROM information_schema.table_constraints WHERE table_name = 'created'"))
                .extracting(r -> r.get("constraint_type")).contains("PRIMARY KEY");
    }

    @Test
    void a_missing_table_is_an_error_that_says_how_to_create_it() {
        assertThatThrownBy(() -> sink = SinkFixture.open(dir, postgres.jdbcUrl(),
                "{type: jdbc, connection: db, table: nowhere, mode: upsert, key: [id], columns: {id: bigint, name: text}}", BOOKS_ELSEWHERE))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SINK_REJECTED))
                .hasMessageContaining("table nowhere does not exist")
                .hasMessageContaining("CREATE TABLE IF NOT EXISTS \"nowhere\" (\"id\" bigint, \"name\" text, PRIMARY KEY (\"id\"))")
                .hasMessageContaining("create: true");
    }

    @Test
    void plain_inserts_are_refused_when_the_books_are_in_another_database() {
        assertThatThrownBy(() -> sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders}", BOOKS_ELSEWHERE))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID))
                .hasMessageContaining("mode: upsert with key:").hasMessageContaining("mode: replace with window_column:");
    }

    @Test
    void a_field_without_a_column_fails_the_window_naming_it() throws Exception {
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders}", BOOKS_HERE);
        assertThatThrownBy(() -> window(sink, W1, "{\"id\": 1, \"colour\": \"red\"}"))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SINK_REJECTED))
                .hasMessageContaining("record field 'colour' has no column in table orders").hasMessageContaining("extra_fields: ignore");
        assertThat(rows(db, "SELECT id FROM orders")).isEmpty();
    }

    @Test
    void extra_fields_ignore_writes_the_fields_that_have_columns() throws Exception {
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders, extra_fields: ignore}", BOOKS_HERE);
        window(sink, W1, "{\"id\": 1, \"colour\": \"red\", \"note\": \"kept\"}");
        assertThat(rows(db, "SELECT id, note FROM orders")).containsExactly(Map.of("id", "1", "note", "kept"));
    }

    @Test
    void a_value_that_does_not_fit_its_column_names_the_column_and_the_type() throws Exception {
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders}", BOOKS_HERE);
        assertThatThrownBy(() -> window(sink, W1, "{\"id\": 1, \"amount\": \"twelve\"}"))
                .hasMessageContaining("value \"twelve\" cannot go into column amount (numeric): expected a number");
    }

    @Test
    void a_constraint_violation_fails_the_window_with_the_database_message_and_nothing_is_committed() throws Exception {
        sink = SinkFixture.open(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders, copy: off}", BOOKS_HERE);
        assertThatThrownBy(() -> window(sink, W1, "{\"id\": 1}", "{\"id\": 1}"))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SINK_REJECTED))
                .hasMessageContaining("duplicate key value violates unique constraint").hasMessageContaining("SQLState 23505");
        assertThat(rows(db, "SELECT id FROM orders")).isEmpty();
    }

    @Test
    void upsert_without_a_key_is_refused_when_the_file_is_loaded() {
        assertThatThrownBy(() -> SinkFixture.load(dir, postgres.jdbcUrl(), "{type: jdbc, connection: db, table: orders, mode: upsert}"))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID))
                .hasMessageContaining("line 6").hasMessageContaining("mode: upsert needs key:");
    }

    @Test
    void the_connection_password_never_appears_in_an_error() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:1/nothing?password=hunter2secret&connectTimeout=1\", connect_timeout: \"2s";
        assertThatThrownBy(() -> sink = SinkFixture.open(dir, url, "{type: jdbc, connection: db, table: orders, mode: upsert, key: [id]}",
                BOOKS_ELSEWHERE))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE))
                .hasMessageContaining("password=***").hasMessageNotContaining("hunter2secret");
        sink = null;
    }

    static List<String> ids(Connection c) throws Exception {
        return rows(c, "SELECT id FROM orders ORDER BY id").stream().map(r -> r.get("id")).toList();
    }
}
