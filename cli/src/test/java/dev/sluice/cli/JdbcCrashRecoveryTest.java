package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.PostgresFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JDBC sink under the worst crash: a {@code generate} to PostgreSQL pipeline is killed with SIGKILL
 * at random moments (mid-window, between the sink's commit and the ledger's), then run to completion.
 * The table must hold every record exactly once, both where the books are in the same database (one
 * transaction) and where they are in a SQLite file (the window's rows deleted and inserted again).
 */
class JdbcCrashRecoveryTest {
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final int KILLS = 12;
    // 8 hours of one record every 10 s: 2880 records in 48 windows of 10 minutes, two at a time.
    private static final long FIRST = 1735689600L / 10;
    private static final int RECORDS = 2880;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "books in the same PostgreSQL, plain inserts|insert|",
            "books in a SQLite file, replace by window|replace|ts"})
    void killing_runs_at_random_moments_loses_and_duplicates_no_row(String name, String mode, String windowColumn) throws Exception {
        String table = "crash_" + mode;
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL, ts TIMESTAMPTZ NOT NULL, value BIGINT)");
        }
        String state = mode.equals("insert") ? "state: \"" + postgres.jdbcUrl() + "\"\n" : "";
        String sink = mode.equals("insert") ? "mode: insert" : "mode: replace, window_column: " + windowColumn;
        Path file = CliRun.pipeline(dir, table + ".yaml", """
                name: %s
                parallelism: 2
                %swindows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T08:00:00Z, size: 10m}
                connections:
                  warehouse: {url: "%s"}
                source: {type: generate, every: 10s, fields: 1, page_size: 7, pause_per_record: 5ms}
                sink: {type: jdbc, connection: warehouse, table: %s, %s, batch_size: 5}
                """.formatted(table, state, postgres.jdbcUrl(), table, sink));
        var random = new Random(20261122L);
        int killed = 0;
        for (int i = 0; i < KILLS; i++) {
            Process p = start(file);
            var lines = new BufferedReader(new InputStreamReader(p.getInputStream()));
            String line;
            while ((line = lines.readLine()) != null && !line.contains("to run")) {
                // wait until the run has planned its windows and starts working on them
            }
            if (!p.waitFor(random.nextInt(500), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback from the client
                p.waitFor();
                killed++;
            }
        }
        Process last = start(file);
        String out = new String(last.getInputStream().readAllBytes());
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(last.exitValue()).as(out).isZero();

        assertThat(killed).as("runs killed before they finished").isGreaterThanOrEqualTo(8);
        assertThat(query("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM " + table))
                .containsExactly((long) RECORDS, (long) RECORDS, FIRST, FIRST + RECORDS - 1);
    }

    private static List<Long> query(String sql) throws Exception {
        try (Connection c = postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            var out = new ArrayList<Long>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++)
                out.add(rs.getLong(i));
            return out;
        }
    }

    private static Process start(Path file) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", file.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
