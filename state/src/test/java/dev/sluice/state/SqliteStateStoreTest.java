package dev.sluice.state;

import static dev.sluice.state.StateAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.state.Lease;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.LedgerFilter;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.window.CursorKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a SQLite file, and what only a file can get wrong. */
class SqliteStateStoreTest extends StateStoreContractTest {
    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("state").resolve("sluice.db");
    }

    @Override
    StateStore open(Clock clock) {
        return StateStores.open("sqlite:" + file(), clock);
    }

    @Test
    void state_file_and_its_directories_are_created_on_first_use() {
        Path file = dir.resolve("a/b/c/books.db");

        try (StateStore created = StateStores.open("sqlite:" + file)) {
            assertThat(created.describe()).isEqualTo("sqlite:" + file);
        }

        assertThat(file).isRegularFile();
    }

    @Test
    void wal_journal_mode_is_on() throws SQLException {
        assertThat(query("PRAGMA journal_mode")).isEqualTo("wal");
    }

    @Test
    void schema_history_lives_in_its_own_table() throws SQLException {
        assertThat(query("SELECT MAX(version) FROM sluice_schema_history")).isEqualTo(String.valueOf(Schema.CURRENT_VERSION));
    }

    @Test
    void damaged_file_is_refused_and_left_untouched() throws Exception {
        Path file = dir.resolve("random.db");
        byte[] noise = new byte[8192];
        new Random(42).nextBytes(noise);
        Files.write(file, noise);

        assertFailsWith(ErrorCode.STATE_INCOMPATIBLE, () -> StateStores.open("sqlite:" + file))
                .hasMessageContaining("'" + file + "' is not a Sluice state file")
                .hasMessageContaining("not a SQLite database / damaged")
                .hasMessageContaining("move it away or point --state elsewhere")
                .hasMessageContaining("Sluice never resets state by itself");
        assertThat(Files.readAllBytes(file)).isEqualTo(noise);
    }

    @Test
    void file_with_a_sqlite_header_and_garbage_after_it_is_refused_as_damaged() throws Exception {
        Path file = dir.resolve("torn.db");
        byte[] bytes = new byte[8192];
        new Random(7).nextBytes(bytes);
        byte[] header = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, bytes, 0, header.length);
        Files.write(file, bytes);

        assertFailsWith(ErrorCode.STATE_INCOMPATIBLE, () -> StateStores.open("sqlite:" + file))
                .hasMessageContaining("is not a Sluice state file")
                .hasMessageContaining("move it away or point --state elsewhere");
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    }

    @Test
    void foreign_sqlite_database_is_refused_and_left_untouched() throws Exception {
        Path file = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
        }

        assertFailsWith(ErrorCode.STATE_INCOMPATIBLE, () -> StateStores.open("sqlite:" + file))
                .hasMessageContaining("'" + file + "' is not a Sluice state file")
                .hasMessageContaining("customers")
                .hasMessageContaining("no sluice_schema_history")
                .hasMessageContaining("move it away or point --state elsewhere");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'")) {
            assertThat(rs.getString(1)).isEqualTo("customers");
        }
    }

    @Test
    void state_written_by_a_newer_sluice_is_refused() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO sluice_schema_history (installed_rank, version, description, type, script, "
                    + "checksum, installed_by, execution_time, success) VALUES (99, '" + NEWER_SCHEMA + "', 'later', 'SQL', "
                    + "'V" + NEWER_SCHEMA + "__later.sql', 0, 'test', 0, 1)");
        }

        assertFailsWith(ErrorCode.STATE_INCOMPATIBLE, () -> open(clock))
                .hasMessageContaining("written by a newer Sluice (schema v" + NEWER_SCHEMA + ", this build knows v" + Schema.CURRENT_VERSION
                        + "); upgrade Sluice");
    }

    @Test
    void books_of_schema_v3_are_brought_to_the_current_schema_with_their_runs_and_windows() throws Exception {
        Path file = dir.resolve("v3.db");
        Flyway.configure(getClass().getClassLoader()).dataSource("jdbc:sqlite:" + file, null, null)
                .locations("classpath:" + Dialect.SQLITE.migrations()).table(Schema.HISTORY_TABLE).target("3").load().migrate();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("INSERT INTO sluice_runs (pipeline, sequence, kind, status, started_at, finished_at) "
                    + "VALUES ('v3', 1, 'run', 'succeeded', '2024-05-01T00:00:00Z', '2024-05-01T00:00:01.5Z')");
            s.execute("INSERT INTO sluice_ledger (pipeline, backfill, cursor_kind, start_text, end_text, start_key, end_key, status, "
                    + "attempt, run_id, started_at, finished_at) VALUES ('v3', 0, 'time', '" + hour(0).startText() + "', '"
                    + hour(0).endText() + "', " + hour(0).startKey() + ", " + hour(0).endKey() + ", 'succeeded', 1, 1, "
                    + "'2024-05-01T00:00:00Z', '2024-05-01T00:00:01Z')");
        }

        try (StateStore upgraded = StateStores.open("sqlite:" + file, clock)) {
            PipelineId v3 = new PipelineId("v3");
            assertThat(upgraded.run(v3, 1)).get().extracting(RunRecord::finishedAt).isEqualTo(Optional.of(T0.plusMillis(1500)));
            assertThat(upgraded.ledger(v3, CursorKind.TIME, LedgerFilter.newest(10))).extracting(LedgerEntry::window).containsExactly(hour(0));
            assertThat(upgraded.pipelineSwitch(v3)).isEmpty();
        }
    }

    @Test
    void empty_file_is_taken_as_new_state() throws Exception {
        Path file = dir.resolve("empty.db");
        Files.createFile(file);

        try (StateStore fresh = StateStores.open("sqlite:" + file)) {
            assertThat(fresh.watermark(pipeline, CursorKind.TIME)).isEmpty();
        }
    }

    @Test
    void two_stores_on_one_file_share_the_books_and_the_lease() {
        try (StateStore second = open(clock)) {
            Lease lease = store.acquireLease(pipeline, Leases.currentHolder(), TTL);

            assertFailsWith(ErrorCode.STATE_LEASE_HELD, () -> second.acquireLease(pipeline, "1@elsewhere", TTL));
            store.releaseLease(lease);
            assertThat(second.acquireLease(pipeline, "1@elsewhere", TTL).holder()).isEqualTo("1@elsewhere");
        }
    }

    @Test
    void directory_in_place_of_the_file_is_unavailable_state() throws Exception {
        Path file = Files.createDirectories(dir.resolve("is-a-dir.db"));

        assertFailsWith(ErrorCode.STATE_UNAVAILABLE, () -> StateStores.open("sqlite:" + file))
                .hasMessageContaining(file.toString());
    }

    private String query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
