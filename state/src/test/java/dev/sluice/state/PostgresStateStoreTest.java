package dev.sluice.state;

import static dev.sluice.state.StateAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.state.RunKind;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.window.CursorKind;
import dev.sluice.testkit.PostgresFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on PostgreSQL, and what only a shared server can get wrong. */
class PostgresStateStoreTest extends StateStoreContractTest {
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    @Override
    StateStore open(Clock clock) {
        return StateStores.open(postgres.jdbcUrl(), clock);
    }

    @Test
    void database_shared_with_another_applications_tables_is_accepted() throws SQLException {
        execute("CREATE SCHEMA shared_app", "CREATE TABLE shared_app.customers (id BIGINT PRIMARY KEY)");

        try (StateStore shared = StateStores.open(inSchema("shared_app"), clock)) {
            assertThat(shared.watermark(pipeline, CursorKind.TIME)).isEmpty();
        }
    }

    @Test
    void sluice_tables_without_a_schema_history_are_refused() throws SQLException {
        execute("CREATE SCHEMA stray", "CREATE TABLE stray.sluice_ledger (id BIGINT)");

        assertFailsWith(ErrorCode.STATE_INCOMPATIBLE, () -> StateStores.open(inSchema("stray"), clock))
                .hasMessageContaining("sluice_ledger")
                .hasMessageContaining("no sluice_schema_history")
                .hasMessageContaining("Sluice never resets state by itself");
    }

    @Test
    void state_written_by_a_newer_sluice_is_refused() throws SQLException {
        execute("CREATE SCHEMA future");
        StateStores.open(inSchema("future"), clock).close();
        execute("INSERT INTO future.sluice_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) VALUES (99, '" + NEWER_SCHEMA + "', 'later', 'SQL', "
                + "'V" + NEWER_SCHEMA + "__later.sql', 0, 'test', 0, true)");

        assertFailsWith(ErrorCode.STATE_INCOMPATIBLE, () -> StateStores.open(inSchema("future"), clock))
                .hasMessageContaining("written by a newer Sluice (schema v" + NEWER_SCHEMA + ", this build knows v" + Schema.CURRENT_VERSION
                        + "); upgrade Sluice");
    }

    @Test
    void password_in_the_url_is_used_but_never_described() {
        try (StateStore withPassword = StateStores.open(postgres.jdbcUrl() + "&password=s3cret-value", clock)) {
            assertThat(withPassword.describe()).doesNotContain("s3cret-value").doesNotContain("password");
        }
    }

    @Test
    void lost_connection_is_replaced_on_the_next_call() throws SQLException {
        long run = store.startRun(pipeline, RunKind.RUN, "").runId();
        execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE application_name = 'sluice' AND datname = current_database()");

        assertFailsWith(ErrorCode.STATE_UNAVAILABLE, () -> store.runs(pipeline, 1));
        assertThat(store.runs(pipeline, 1)).extracting(RunRecord::runId).containsExactly(run);
    }

    private String inSchema(String schema) {
        return postgres.jdbcUrl() + "&currentSchema=" + schema;
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            for (String sql : statements)
                s.execute(sql);
        }
    }
}
