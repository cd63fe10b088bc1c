package dev.sluice.bench;

import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One million rows from MariaDB to PostgreSQL: Sluice (JDBC source, JDBC sink with COPY, the window's
 * ledger entry in the sink's transaction) against a baseline measured in the same run, a hand-written
 * loop of a streaming MariaDB read feeding PostgreSQL COPY. Rounds alternate the two; the medians are
 * reported, with the peak heap in use. Run in a JVM with -Xmx256m (bench/run db).
 *
 * <p>Needs the local MariaDB (root, no password) and PostgreSQL (trust, database test). The source table
 * {@code sluice_bench.payments} is made once and kept between runs.
 */
public final class DbBench {
    private static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/";
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String COLUMNS = "id, cust_id, amount, channel, note, paid_at";

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        prepareSource(rows);
        var baseline = new ArrayList<Double>();
        var one = new ArrayList<Double>();
        var two = new ArrayList<Double>();
        for (int round = 0; round < rounds; round++) {
            baseline.add(baseline(rows));
            one.add(sluice(rows, 1));
            two.add(sluice(rows, 2));
            System.out.printf("round %d: baseline %.2f s, sluice (1 window) %.2f s, sluice (10 windows, parallelism 2) %.2f s%n",
                    round + 1, baseline.getLast(), one.getLast(), two.getLast());
        }
        double b = PipelineRun.median(baseline.stream().mapToDouble(Double::doubleValue).toArray());
        double s1 = PipelineRun.median(one.stream().mapToDouble(Double::doubleValue).toArray());
        double s2 = PipelineRun.median(two.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf("%d rows MariaDB -> PostgreSQL, medians of %d rounds, heap max %d MB%n", rows, rounds,
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.out.printf("  baseline (streaming read + COPY, one thread): %.2f s, %.0f rows/s%n", b, rows / b);
        System.out.printf("  sluice, one window:                           %.2f s, %.0f rows/s, %.0f%% of the baseline%n", s1, rows / s1, 100 * b / s1);
        System.out.printf("  sluice, 10 windows, parallelism 2:            %.2f s, %.0f rows/s, %.0f%% of the baseline%n", s2, rows / s2, 100 * b / s2);
        System.out.printf("  peak heap in use: %d MB%n", peakHeap() / (1024 * 1024));
    }

    /** sluice_bench.payments with {@code rows} rows, made once with MariaDB's sequence engine. */
    private static void prepareSource(int rows) throws Exception {
        try (Connection c = DriverManager.getConnection(MARIADB + "?user=root"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS sluice_bench");
            s.execute("CREATE TABLE IF NOT EXISTS sluice_bench.payments (id BIGINT PRIMARY KEY, cust_id BIGINT NOT NULL, "
                    + "amount DECIMAL(14,2) NOT NULL, channel VARCHAR(20) NOT NULL, note VARCHAR(100), paid_at DATETIME(3) NOT NULL)");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sluice_bench.payments")) {
                rs.next();
                if (rs.getLong(1) == rows)
                    return;
            }
            System.out.println("making sluice_bench.payments with " + rows + " rows");
            s.execute("TRUNCATE sluice_bench.payments");
            s.execute("INSERT INTO sluice_bench.payments SELECT seq, seq % 5000, (seq % 100000) / 100 + 0.01, "
                    + "ELT(1 + seq % 3, 'card', 'transfer', 'cash'), CONCAT('payment number ', seq), "
                    + "TIMESTAMP '2025-01-01 00:00:00' + INTERVAL seq SECOND FROM sluice_bench.seq_1_to_" + rows);
        }
    }

    private static void target(String table) throws Exception {
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL, cust_id BIGINT NOT NULL, amount NUMERIC(14,2) NOT NULL, "
                    + "channel TEXT NOT NULL, note TEXT, paid_at TIMESTAMP NOT NULL)");
        }
    }

    /** What a careful hand-written loader does: stream the rows, write them to COPY as CSV, commit once. */
    private static double baseline(int rows) throws Exception {
        target("bench_baseline");
        long t0 = System.nanoTime();
        long n = 0;
        try (Connection in = DriverManager.getConnection(MARIADB + "sluice_bench?user=root");
             Connection out = DriverManager.getConnection(POSTGRES)) {
            out.setAutoCommit(false);
            CopyIn copy = out.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_baseline (" + COLUMNS + ") FROM STDIN WITH (FORMAT csv)");
            var text = new StringBuilder(1 << 17);
            try (PreparedStatement ps = in.prepareStatement("SELECT " + COLUMNS + " FROM payments WHERE id >= ? AND id < ?")) {
                ps.setFetchSize(1000);
                ps.setLong(1, 1);
                ps.setLong(2, rows + 1L);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        text.append(rs.getLong(1)).append(',').append(rs.getLong(2)).append(',').append(rs.getBigDecimal(3).toPlainString())
                                .append(",\"").append(rs.getString(4)).append("\",\"").append(rs.getString(5)).append("\",")
                                .append(rs.getObject(6, java.time.LocalDateTime.class)).append('\n');
                        n++;
                        if (text.length() >= 1 << 16) {
                            byte[] b = text.toString().getBytes(StandardCharsets.UTF_8);
                            copy.writeToCopy(b, 0, b.length);
                            text.setLength(0);
                        }
                    }
                }
            }
            byte[] b = text.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(b, 0, b.length);
            copy.endCopy();
            out.commit();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        check("bench_baseline", rows, n);
        return seconds;
    }

    private static double sluice(int rows, int parallelism) throws Exception {
        target("bench_sluice");
        Path dir = Files.createTempDirectory("sluice-db-bench-");
        String yaml = """
                name: db_bench_%d
                parallelism: %d
                windows: {cursor: id, start: 1, end: %d, size: %d}
                connections:
                  mariadb: {url: "%ssluice_bench?user=root", pool_size: 2}
                  postgres: {url: "%s", pool_size: 2}
                source:
                  type: jdbc
                  connection: mariadb
                  name: payments
                  query: "SELECT %s FROM payments WHERE id >= :id_start AND id < :id_end"
                  fetch_size: 1000
                sink: {type: jdbc, connection: postgres, table: bench_sluice, mode: insert}
                """.formatted(System.nanoTime(), parallelism, rows + 1, parallelism == 1 ? rows : rows / 10, MARIADB, POSTGRES, COLUMNS);
        Path file = dir.resolve("bench.yaml");
        Files.writeString(file, yaml);
        PipelineConfig config = ConfigLoader.standard().load(file, yaml);
        double seconds;
        // The books in the sink's database: each window's rows and ledger entry commit together.
        try (var store = StateStores.open(POSTGRES)) {
            long t0 = System.nanoTime();
            RunResult r = new Runner(config, store, Clock.systemUTC(), RunListener.NONE, new StopSignal(), Leases.currentHolder()).run();
            seconds = (System.nanoTime() - t0) / 1e9;
            if (r.windowsFailed() > 0)
                throw new IllegalStateException("the pipeline failed: " + r.errors().getFirst().getMessage());
            check("bench_sluice", rows, r.counts().written());
        } finally {
            PipelineRun.deleteTree(dir);
        }
        return seconds;
    }

    private static void check(String table, int rows, long written) throws Exception {
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), sum(amount) FROM " + table)) {
            rs.next();
            if (rs.getLong(1) != rows || written != rows)
                throw new IllegalStateException(table + " has " + rs.getLong(1) + " rows, " + written + " written; expected " + rows);
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP)
                sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    private DbBench() {
    }
}
