package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.PipelineId;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.state.SharedTransactions;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import dev.sluice.testkit.MariaDbFixture;
import dev.sluice.testkit.PostgresFixture;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC sink under the commit protocol: with the books in the sink's PostgreSQL database, a window's
 * rows and its ledger entry commit together; with the books elsewhere, a run that dies after the sink's
 * commit and before the ledger's is re-run without a duplicate row.
 */
class JdbcExactlyOnceTest {
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();
    @RegisterExtension
    static final MariaDbFixture mariadb = new MariaDbFixture();

    private static final AtomicInteger PIPELINES = new AtomicInteger();
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-01-02T00:00:00Z"), ZoneOffset.UTC);
    // 12 windows of 2 hours, 120 records each: ids 1735689600/60 onwards, one a minute
    private static final long FIRST_ID = 1735689600L / 60;
    private static final int RECORDS = 24 * 60;

    @TempDir
    Path dir;
    // each test its own pipeline, since the books of every test live in the class's database
    PipelineId id = new PipelineId("orders_" + PIPELINES.incrementAndGet());

    @BeforeEach
    void table() throws Exception {
        execute("DROP TABLE IF EXISTS orders", "CREATE TABLE orders (id BIGINT NOT NULL, ts TIMESTAMPTZ NOT NULL, value BIGINT)");
    }

    @Test
    void with_the_books_in_the_sink_database_rows_and_ledger_commit_in_one_transaction() throws Exception {
        try (StateStore store = StateStores.open(postgres.jdbcUrl())) {
            RunResult result = runner(pipeline("mode: insert"), store).run();
            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(store.ledger(id, CursorKind.TIME, Optional.of(WindowStatus.SUCCEEDED), 100)).hasSize(12);
        }
        assertExactlyOnce();
    }

    @Test
    void a_failure_between_the_ledger_statements_and_the_commit_leaves_neither_rows_nor_a_succeeded_window() throws Exception {
        try (StateStore real = StateStores.open(postgres.jdbcUrl())) {
            var calls = new AtomicInteger();
            // The fifth window dies after its ledger update went into the sink's transaction, before the commit.
            StateStore dying = intercept(real, "markSucceededWithin", () -> calls.incrementAndGet() == 5);
            RunResult first = runner(pipeline("mode: insert"), dying).run();
            assertThat(first.status()).isEqualTo(RunStatus.FAILED);
            assertThat(count("SELECT count(*) FROM orders")).as("rows of the four windows that committed").isEqualTo(4 * 120);
            assertThat(real.ledger(id, CursorKind.TIME, Optional.of(WindowStatus.SUCCEEDED), 100)).hasSize(4);

            assertThat(runner(pipeline("mode: insert"), real).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertExactlyOnce();
    }

    @Test
    void with_the_books_elsewhere_a_run_that_dies_after_the_sink_commit_is_rerun_without_duplicates() throws Exception {
        try (StateStore real = StateStores.open("sqlite:" + dir.resolve("state.db"))) {
            var calls = new AtomicInteger();
            // The fifth window's rows are committed in PostgreSQL; then the ledger's commit never happens.
            StateStore dying = intercept(real, "markSucceeded", () -> calls.incrementAndGet() == 5);
            assertThat(runner(pipeline("{mode: replace, window_column: ts}"), dying).run().status()).isEqualTo(RunStatus.FAILED);
            assertThat(count("SELECT count(*) FROM orders")).as("the fifth window's rows are in, its ledger entry is not").isEqualTo(5 * 120);

            assertThat(runner(pipeline("{mode: replace, window_column: ts}"), real).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertExactlyOnce();
    }

    @Test
    void a_sink_in_another_kind_of_database_commits_on_its_own_when_the_books_are_in_postgresql() throws Exception {
        try (Connection c = mariadb.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, ts DATETIME(3) NOT NULL, value BIGINT)");
        }
        String text = """
                name: %s
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-02T00:00:00Z, size: 2h}
                connections:
                  warehouse: {url: "%s"}
                source: {type: generate, every: 1m, fields: 1, page_size: 50}
                sink: {type: jdbc, connection: warehouse, table: orders, mode: upsert, key: [id]}
                """.formatted(id.value(), mariadb.jdbcUrl());
        try (StateStore store = StateStores.open(postgres.jdbcUrl())) {
            RunResult result = runner(ConfigLoader.standard().load(dir.resolve("orders.yaml"), text), store).run();
            assertThat(result.status()).as(result.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
        }
        try (Connection c = mariadb.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(RECORDS);
        }
    }

    private PipelineConfig pipeline(String mode) {
        String sinkMode = mode.startsWith("{") ? mode.substring(1, mode.length() - 1) : mode;
        String text = """
                name: %s
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-02T00:00:00Z, size: 2h}
                connections:
                  warehouse: {url: "%s"}
                source: {type: generate, every: 1m, fields: 1, page_size: 50}
                sink: {type: jdbc, connection: warehouse, table: orders, %s}
                """.formatted(id.value(), postgres.jdbcUrl(), sinkMode);
        return ConfigLoader.standard().load(dir.resolve("orders.yaml"), text);
    }

    private Runner runner(PipelineConfig pipeline, StateStore store) {
        return new Runner(pipeline, store, NOW, new RunListener() { }, new StopSignal(), Leases.currentHolder());
    }

    /** {@code store}, except that {@code method} throws, after doing its work, whenever {@code when} says so. */
    private static StateStore intercept(StateStore store, String method, java.util.function.BooleanSupplier when) {
        InvocationHandler handler = (proxy, m, args) -> {
            Object result;
            try {
                result = m.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (m.getName().equals(method) && when.getAsBoolean())
                throw new IllegalStateException("the process died here");
            return result;
        };
        return (StateStore) Proxy.newProxyInstance(JdbcExactlyOnceTest.class.getClassLoader(),
                new Class<?>[] {StateStore.class, SharedTransactions.class}, handler);
    }

    private void assertExactlyOnce() throws Exception {
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(RECORDS);
        assertThat(count("SELECT count(DISTINCT id) FROM orders")).isEqualTo(RECORDS);
        assertThat(count("SELECT min(id) FROM orders")).isEqualTo(FIRST_ID);
        assertThat(count("SELECT max(id) FROM orders")).isEqualTo(FIRST_ID + RECORDS - 1);
    }

    private long count(String sql) throws Exception {
        try (Connection c = postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String... sql) throws Exception {
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            for (String q : sql)
                s.execute(q);
        }
    }
}
