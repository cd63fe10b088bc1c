package dev.sluice.connectors.steps;

import dev.sluice.connectors.jdbc.JdbcConnection;
import dev.sluice.connectors.jdbc.SqlDialect;
import dev.sluice.core.PipelineId;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.window.Window;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dead letters as rows of a table (by default {@code sluice_dead_letters}), created if missing, with the
 * columns pipeline, window_start, window_end, step, record (JSON text), reasons (a JSON array of
 * texts) and rejected_at. A window's letters are staged in a temporary file and written on commit in
 * one transaction that first deletes the rows an earlier attempt of the window left.
 *
 * <p>{@link #purge} deletes the pipeline's rows of this step rejected before the cut. Where rejected_at is
 * text (SQLite, other databases), it is compared to the second: a row goes when it was rejected in an
 * earlier second than the cut, so a row is never deleted early, at most kept a second longer.
 */
final class TableDeadLetters implements DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(TableDeadLetters.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Instant.toString() up to the seconds: text rejected_at values that sort before it are of earlier seconds. */
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int BATCH = 500;

    private final JdbcConnection connection;
    private final String table;
    private final String step;
    private final StagedLetters staged;
    private final Set<Window> committed = ConcurrentHashMap.newKeySet();
    private final ReentrantLock creating = new ReentrantLock();
    private volatile boolean created;
    private PipelineId pipeline;

    TableDeadLetters(JdbcConnection connection, String table, String step) {
        this.connection = connection;
        this.table = table;
        this.step = step;
        this.staged = new StagedLetters(w -> {
            try {
                return Files.createTempFile("sluice-dead-letters-", ".jsonl");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public void open(StepContext context) throws IOException {
        pipeline = context.pipeline();
        committed.clear();
        connection.open();
    }

    @Override
    public void stage(DeadLetter letter) throws IOException {
        try {
            staged.append(letter.window(), letter.toJson().toString());
        } catch (UncheckedIOException e) {
            throw new IOException("cannot stage dead letters in a temporary file: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void commit(Window window) throws IOException {
        Optional<StagedLetters.Staged> s = staged.take(window);
        try (Connection c = connection.borrow()) {
            if (s.isPresent())
                s.get().seal();
            createTable(c);
            try {
                delete(c, window);
                if (s.isPresent())
                    insert(c, s.get().file);
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
            committed.add(window);
        } catch (SQLException e) {
            throw new IOException("cannot write dead letters to table " + table + " of " + connection.describe() + ": " + e.getMessage(), e);
        } finally {
            s.ifPresent(StagedLetters.Staged::delete);
        }
    }

    private void createTable(Connection c) throws SQLException {
        if (created)
            return;
        creating.lock();
        try {
            if (created)
                return;
            SqlDialect d = connection.dialect();
            String text = d == SqlDialect.MARIADB ? "LONGTEXT" : "TEXT";
            String time = switch (d) {
                case POSTGRESQL -> "TIMESTAMP WITH TIME ZONE";
                case MARIADB -> "DATETIME(6)";
                default -> "VARCHAR(40)";
            };
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + d.quoteQualified(table) + " (pipeline VARCHAR(100) NOT NULL, "
                        + "window_start VARCHAR(40) NOT NULL, window_end VARCHAR(40) NOT NULL, step VARCHAR(64) NOT NULL, "
                        + "record " + text + " NOT NULL, reasons " + text + " NOT NULL, rejected_at " + time + " NOT NULL)");
                c.commit();
            } catch (SQLException e) {
                rollback(c, e);
                throw e;
            }
            created = true;
        } finally {
            creating.unlock();
        }
    }

    private void delete(Connection c, Window window) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + connection.dialect().quoteQualified(table)
                + " WHERE pipeline = ? AND step = ? AND window_start = ? AND window_end = ?")) {
            ps.setString(1, pipeline.value());
            ps.setString(2, step);
            ps.setString(3, window.startText());
            ps.setString(4, window.endText());
            ps.executeUpdate();
        }
    }

    private void insert(Connection c, Path file) throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + connection.dialect().quoteQualified(table)
                + " (pipeline, window_start, window_end, step, record, reasons, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
             BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int pending = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode letter = JSON.readTree(line);
                ps.setString(1, letter.get("pipeline").asString());
                ps.setString(2, letter.get("window_start").asString());
                ps.setString(3, letter.get("window_end").asString());
                ps.setString(4, letter.get("step").asString());
                ps.setString(5, letter.get("record").toString());
                ps.setString(6, letter.get("reasons").toString());
                Instant at = Instant.parse(letter.get("rejected_at").asString());
                if (connection.dialect() == SqlDialect.POSTGRESQL || connection.dialect() == SqlDialect.MARIADB)
                    setTime(ps, 7, at);
                else
                    ps.setString(7, at.toString());
                ps.addBatch();
                if (++pending == BATCH) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0)
                ps.executeBatch();
        }
    }

    /** An instant as the time type of rejected_at on PostgreSQL (timestamptz) and MariaDB (UTC DATETIME). */
    private void setTime(PreparedStatement ps, int index, Instant t) throws SQLException {
        if (connection.dialect() == SqlDialect.POSTGRESQL)
            ps.setObject(index, t.atOffset(ZoneOffset.UTC));
        else
            ps.setObject(index, t.atOffset(ZoneOffset.UTC).toLocalDateTime());
    }

    @Override
    public long purge(PipelineId ofPipeline, Instant before, boolean dryRun) throws IOException {
        List<Window> inProgress = List.copyOf(staged.windows());
        String where = " WHERE pipeline = ? AND step = ? AND rejected_at < ?"
                + " AND NOT (window_start = ? AND window_end = ?)".repeat(inProgress.size());
        String quoted = connection.dialect().quoteQualified(table);
        connection.open();
        try (Connection c = connection.borrow()) {
            createTable(c); // as a commit would: a table that was never written to is empty
            try (PreparedStatement ps = c.prepareStatement(dryRun ? "SELECT COUNT(*) FROM " + quoted + where : "DELETE FROM " + quoted + where)) {
                ps.setString(1, ofPipeline.value());
                ps.setString(2, step);
                if (connection.dialect() == SqlDialect.POSTGRESQL || connection.dialect() == SqlDialect.MARIADB)
                    setTime(ps, 3, before);
                else
                    ps.setString(3, SECONDS.format(before.truncatedTo(ChronoUnit.SECONDS)));
                for (int i = 0; i < inProgress.size(); i++) {
                    ps.setString(4 + 2 * i, inProgress.get(i).startText());
                    ps.setString(5 + 2 * i, inProgress.get(i).endText());
                }
                long n;
                if (dryRun) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        n = rs.getLong(1);
                    }
                    c.rollback();
                } else {
                    n = ps.executeUpdate();
                    c.commit();
                }
                return n;
            } catch (SQLException e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException("cannot remove old dead letters from table " + table + " of " + connection.describe() + ": "
                    + e.getMessage(), e);
        } finally {
            connection.close();
        }
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void discard(Window window) {
        staged.discard(window);
        if (!committed.remove(window))
            return;
        try (Connection c = connection.borrow()) {
            try {
                delete(c, window);
                c.commit();
            } catch (SQLException e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            log.atWarn().addKeyValue("window", window.toString()).log("could not remove the dead letters of failed window from {}: {}", table, e.getMessage());
        }
    }

    @Override
    public void close() {
        staged.discardAll();
        committed.clear();
        connection.close();
    }

    @Override
    public String toString() {
        return "dead-letter table " + table + " of " + connection.describe();
    }
}
