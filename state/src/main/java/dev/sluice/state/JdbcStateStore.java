package dev.sluice.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.state.BooksCleanup;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.ErrorRecord;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.core.state.KeyTally;
import dev.sluice.core.state.KeyStatus.KeyOutcome;
import dev.sluice.core.state.Lease;
import dev.sluice.core.state.LeaseHolder;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.LedgerFilter;
import dev.sluice.core.state.PipelineSwitch;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunKind;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.RunTotals;
import dev.sluice.core.state.SharedTransactions;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The books on one JDBC connection to SQLite or PostgreSQL. Open one with {@link StateStores#open}.
 *
 * <p>Every call takes a {@link ReentrantLock} (not {@code synchronized}, which would pin a virtual
 * thread's carrier while it waits on I/O), so a store is safe to share between threads; calls are
 * serialized, which is what one SQLite file allows anyway. Statements are prepared once per connection
 * and reused: {@link #markRunning} and {@link #markSucceeded} are on the hot path of every window.
 *
 * <p>Windows and positions are compared by their keys, which only order windows of one cursor kind, so
 * ledger queries take the pipeline's cursor kind and leave out entries of another kind (left over from
 * a pipeline whose cursor changed; {@link #reset} discards them). Times are kept to the microsecond.
 *
 * <p>On SQLite, {@code synchronous=NORMAL} in WAL mode: a process crash loses nothing, and a power loss
 * can lose at most the last committed transactions, which only makes a window run again. Re-running a
 * window is idempotent, so an fsync per window would buy nothing.
 */
public final class JdbcStateStore implements StateStore, SharedTransactions {
    private static final Logger log = LoggerFactory.getLogger(JdbcStateStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private static final String LEDGER_COLUMNS = "id, pipeline, backfill, cursor_kind, start_text, end_text, status, "
            + "attempt, records_read, records_written, records_rejected, empty_answers, run_id, error_id, started_at, finished_at";
    private static final String RUN_COLUMNS = "run_id, pipeline, sequence, kind, status, started_at, finished_at, "
            + "windows_succeeded, windows_failed, records_read, records_written, records_rejected, empty_answers, error_id, details";
    private static final String ERROR_COLUMNS = "error_id, pipeline, run_id, code, message, context, at";
    private static final String KEY_COLUMNS =
            "pipeline, key, outcome, reason, answered_by, attempts, error_id, updated_at, cursor_kind, window_start, "
                    + "window_end, backfill";

    /** Opens a connection configured for the books. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Makes a value of the current row of a result set. */
    @FunctionalInterface
    private interface Row<T> {
        T of(ResultSet rs) throws SQLException;
    }

    /** A typed SQL NULL, for PostgreSQL, which needs to know the type of every parameter. */
    private record Null(int sqlType) {}

    private static final Null NULL_TEXT = new Null(Types.VARCHAR);
    private static final Null NULL_BIGINT = new Null(Types.BIGINT);
    private static final Null NULL_TIME = new Null(Types.TIMESTAMP_WITH_TIMEZONE);

    private final StateUrl url;
    private final Dialect dialect;
    private final Clock clock;
    private final Connector connector;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock. The connection is null after it was lost, until the next call opens another.
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Connection connection;
    private boolean closed;
    private volatile String storeId;

    private JdbcStateStore(StateUrl url, Clock clock, Connector connector, Connection connection) {
        this.url = url;
        this.dialect = url.dialect();
        this.clock = clock;
        this.connector = connector;
        this.connection = connection;
    }

    static JdbcStateStore open(StateUrl url, Clock clock) {
        requireNonNull(url, "url is null");
        requireNonNull(clock, "clock is null");
        Connector connector = switch (url.dialect()) {
            case SQLITE -> sqliteConnector(url);
            case POSTGRESQL -> postgresConnector(url);
        };
        Connection connection;
        try {
            connection = connector.connect();
        } catch (SQLException e) {
            throw openFailure(url, e);
        }
        try {
            Schema.ensureCurrent(connection, url, new Schema.ConnectingDataSource(connector));
            return new JdbcStateStore(url, clock, connector, connection);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw openFailure(url, e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static Connector sqliteConnector(StateUrl url) {
        Path file = url.file().orElseThrow();
        try {
            Path parent = file.getParent();
            if (parent != null)
                Files.createDirectories(parent);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.STATE_UNAVAILABLE, "cannot create the directory of state file '"
                    + file + "': " + e + "; check the path and its permissions, or point --state elsewhere", e);
        }
        refuseNonSqlite(file);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        Properties properties = config.toProperties();
        var driver = new org.sqlite.JDBC();
        return () -> {
            Connection c = driver.connect(url.jdbcUrl(), properties);
            try (Statement s = c.createStatement()) {
                // Checkpoint every ~40 MB of WAL instead of every 4 MB: each checkpoint costs two fsyncs
                // even at synchronous=NORMAL, and a window rewrites the same few pages, which a longer WAL
                // folds together. The WAL file is cut back to 64 MB after a checkpoint.
                s.execute("PRAGMA wal_autocheckpoint = 10000");
                s.execute("PRAGMA journal_size_limit = 67108864");
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
            return c;
        };
    }

    /** SQLite would report random bytes only at the first query; the header says it plainly. */
    private static void refuseNonSqlite(Path file) {
        if (!Files.isRegularFile(file))
            return;
        byte[] header = new byte[SQLITE_HEADER.length];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(header, 0, header.length);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.STATE_UNAVAILABLE,
                    "cannot read state file '" + file + "': " + e + "; check its permissions", e);
        }
        if (read == 0)
            return; // an empty file is an empty SQLite database
        if (read < header.length || !Arrays.equals(header, SQLITE_HEADER))
            throw damaged(file.toString(), "it does not start with the SQLite header", null);
    }

    private static Connector postgresConnector(StateUrl url) {
        Properties properties = new Properties();
        url.user().ifPresent(user -> properties.setProperty("user", user));
        url.password().ifPresent(password -> properties.setProperty("password", password.value()));
        // Defaults; the URL's own parameters win. Every blocking call gets a timeout.
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("loginTimeout", "10");
        properties.setProperty("socketTimeout", "120");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "sluice");
        var driver = new org.postgresql.Driver();
        return () -> {
            Connection c = driver.connect(url.jdbcUrl(), properties);
            if (c == null)
                throw new SQLException("the PostgreSQL driver does not accept " + url.description(), "08001");
            return c;
        };
    }

    private static SluiceException openFailure(StateUrl url, SQLException e) {
        return switch (url.dialect().classify(e)) {
            case DAMAGED -> damaged(url.endpoint(), e.getMessage(), e);
            case SCHEMA_MISMATCH -> new SluiceException(ErrorCode.STATE_INCOMPATIBLE, "state at " + url.description()
                    + " does not have the tables this build expects: " + e.getMessage()
                    + "; Sluice never resets state by itself", e);
            default -> switch (url.dialect()) {
                case SQLITE -> new SluiceException(ErrorCode.STATE_UNAVAILABLE, "cannot open state file '"
                        + url.endpoint() + "': " + e.getMessage()
                        + "; check that the path is a writable file, or point --state elsewhere", e);
                case POSTGRESQL -> new SluiceException(ErrorCode.STATE_UNAVAILABLE,
                        "cannot use the PostgreSQL state at " + url.endpoint() + " (" + url.description() + "): "
                                + e.getMessage() + "; check that the server is running and reachable and that "
                                + "the --state URL and credentials are right", e);
            };
        };
    }

    private static SluiceException damaged(String file, String detail, Throwable cause) {
        return new SluiceException(ErrorCode.STATE_INCOMPATIBLE, "'" + file + "' is not a Sluice state file "
                + "(not a SQLite database / damaged: " + detail + "); move it away or point --state elsewhere. "
                + "Sluice never resets state by itself.", cause);
    }

    @Override
    public String describe() {
        return url.description();
    }

    // ---------------------------------------------------------------------------------------- lease

    @Override
    public Lease acquireLease(PipelineId pipeline, String holder, Duration ttl) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(holder, "holder is null");
        requirePositive(ttl);
        return write("take the lease of pipeline '" + pipeline + "'", () -> {
            Instant now = now();
            Instant expires = now.plus(ttl).truncatedTo(ChronoUnit.MICROS);
            String token = UUID.randomUUID().toString();
            // Insert-or-nothing first, so that two newcomers race on the primary key, not on a read.
            for (int tries = 0; tries < 3; tries++) {
                int inserted = bind("INSERT INTO sluice_leases (pipeline, holder, token, acquired_at, expires_at) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (pipeline) DO NOTHING",
                        pipeline.value(), holder, token, now, expires).executeUpdate();
                if (inserted == 1)
                    return new Lease(pipeline, holder, token, expires);
                String current;
                Instant currentExpires;
                try (ResultSet rs = bind("SELECT holder, expires_at FROM sluice_leases WHERE pipeline = ?"
                        + dialect.forUpdate(), pipeline.value()).executeQuery()) {
                    if (!rs.next())
                        continue; // released in between: try the insert again
                    current = rs.getString("holder");
                    currentExpires = dialect.getInstant(rs, "expires_at");
                }
                // The same holder is refused too while its lease is live: two runs in one process (a
                // server) must not both run a pipeline.
                String takeover;
                if (!currentExpires.isAfter(now))
                    takeover = "expired";
                else if (Leases.isDeadLocalProcess(current))
                    takeover = "holder process is gone";
                else
                    throw new SluiceException(ErrorCode.STATE_LEASE_HELD, "pipeline '" + pipeline
                            + "' is already being run by " + current + " (lease until " + currentExpires
                            + "); wait for that run to finish, or if it died the lease expires at " + currentExpires);
                bind("UPDATE sluice_leases SET holder = ?, token = ?, acquired_at = ?, expires_at = ? WHERE pipeline = ?",
                        holder, token, now, expires, pipeline.value()).executeUpdate();
                log.atWarn().addKeyValue("pipeline", pipeline.value()).addKeyValue("holder", holder)
                        .addKeyValue("previous_holder", current).addKeyValue("previous_expiry", currentExpires.toString())
                        .addKeyValue("reason", takeover).log("lease taken over");
                return new Lease(pipeline, holder, token, expires);
            }
            throw new SluiceException(ErrorCode.STATE_LEASE_HELD, "pipeline '" + pipeline
                    + "': the lease changed hands three times while taking it; another run is starting, try again");
        });
    }

    @Override
    public Lease renewLease(Lease lease, Duration ttl) {
        requireNonNull(lease, "lease is null");
        requirePositive(ttl);
        return write("renew the lease of pipeline '" + lease.pipeline() + "'", () -> {
            Instant expires = now().plus(ttl).truncatedTo(ChronoUnit.MICROS);
            int updated = bind("UPDATE sluice_leases SET expires_at = ? WHERE pipeline = ? AND token = ?",
                    expires, lease.pipeline().value(), lease.token()).executeUpdate();
            if (updated != 1)
                throw new SluiceException(ErrorCode.STATE_LEASE_HELD, "pipeline '" + lease.pipeline()
                        + "': lease lost by " + lease.holder() + " (it expired and another run took it over, or it "
                        + "was released); this run must stop, and the watermark is only moved by the lease holder");
            return new Lease(lease.pipeline(), lease.holder(), lease.token(), expires);
        });
    }

    @Override
    public void releaseLease(Lease lease) {
        requireNonNull(lease, "lease is null");
        write("release the lease of pipeline '" + lease.pipeline() + "'", () -> bind(
                "DELETE FROM sluice_leases WHERE pipeline = ? AND token = ?", lease.pipeline().value(), lease.token())
                .executeUpdate());
    }

    @Override
    public Optional<LeaseHolder> leaseHolder(PipelineId pipeline) {
        requireNonNull(pipeline, "pipeline is null");
        return read("read the lease of pipeline '" + pipeline + "'", () -> {
            try (ResultSet rs = bind("SELECT holder, acquired_at, expires_at FROM sluice_leases WHERE pipeline = ?",
                    pipeline.value()).executeQuery()) {
                if (!rs.next())
                    return Optional.empty();
                Instant expires = dialect.getInstant(rs, "expires_at");
                if (!expires.isAfter(now()))
                    return Optional.empty();
                return Optional.of(new LeaseHolder(rs.getString("holder"), dialect.getInstant(rs, "acquired_at"), expires));
            }
        });
    }

    // ------------------------------------------------------------------------------------ watermark

    @Override
    public Optional<Position> watermark(PipelineId pipeline, CursorKind cursor) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(cursor, "cursor is null");
        return read("read the watermark of pipeline '" + pipeline + "'", () -> {
            try (ResultSet rs = bind("SELECT cursor_kind, position_text, position_key FROM sluice_watermark "
                    + "WHERE pipeline = ?", pipeline.value()).executeQuery()) {
                if (!rs.next())
                    return Optional.empty();
                CursorKind stored = cursorKind(rs.getString("cursor_kind"));
                if (stored != cursor)
                    throw new SluiceException(ErrorCode.STATE_INCOMPATIBLE, "pipeline '" + pipeline + "' has a watermark of cursor "
                            + stored.label() + " (" + rs.getString("position_text")
                            + ") on the books, but its cursor is now " + cursor.label()
                            + "; run `sluice reset PIPELINE-FILE --all --yes` to start it over from its configured start");
                return Optional.of(new Position(stored, rs.getString("position_text"), rs.getLong("position_key")));
            }
        });
    }

    // ----------------------------------------------------------------------------------------- runs

    @Override
    public RunRecord startRun(PipelineId pipeline, RunKind kind, String details) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(details, "details is null");
        for (int tries = 1; ; tries++) {
            try {
                return write("start a run of pipeline '" + pipeline + "'", () -> {
                    Instant now = now();
                    long sequence;
                    try (ResultSet rs = bind("SELECT COALESCE(MAX(sequence), 0) + 1 FROM sluice_runs WHERE pipeline = ?",
                            pipeline.value()).executeQuery()) {
                        rs.next();
                        sequence = rs.getLong(1);
                    }
                    long runId;
                    try (ResultSet rs = bind("INSERT INTO sluice_runs (pipeline, sequence, kind, status, started_at, "
                            + "details) VALUES (?, ?, ?, ?, ?, ?) RETURNING run_id", pipeline.value(), sequence,
                            kind.label(), RunStatus.RUNNING.label(), now, details).executeQuery()) {
                        rs.next();
                        runId = rs.getLong(1);
                    }
                    return new RunRecord(runId, pipeline, sequence, kind, RunStatus.RUNNING, now, Optional.empty(),
                            RunTotals.ZERO, Optional.empty(), details);
                });
            } catch (SluiceException e) {
                // Two processes (on PostgreSQL) took the same next sequence number; the loser counts again.
                if (e.code() != ErrorCode.STATE_CONFLICT || tries >= 3)
                    throw e;
            }
        }
    }

    @Override
    public void finishRun(long runId, RunStatus status, RunTotals totals, Optional<String> errorId) {
        requireNonNull(status, "status is null");
        requireNonNull(totals, "totals is null");
        requireNonNull(errorId, "errorId is null");
        write("finish run " + runId, () -> {
            int updated = bind("UPDATE sluice_runs SET status = ?, finished_at = ?, windows_succeeded = ?, "
                    + "windows_failed = ?, records_read = ?, records_written = ?, records_rejected = ?, empty_answers = ?, "
                    + "error_id = ? WHERE run_id = ?", status.label(), status == RunStatus.RUNNING ? NULL_TIME : now(),
                    totals.windowsSucceeded(), totals.windowsFailed(), totals.counts().read(),
                    totals.counts().written(), totals.counts().rejected(), totals.counts().emptyAnswers(), text(errorId), runId).executeUpdate();
            if (updated != 1)
                throw new SluiceException(ErrorCode.STATE_CONFLICT, "run " + runId + " is not on the books of "
                        + describe() + "; it cannot be finished");
            return null;
        });
    }

    @Override
    public List<RunRecord> runs(PipelineId pipeline, int limit, Optional<Long> beforeSequence) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(beforeSequence, "beforeSequence is null");
        requirePositive(limit);
        return readRows("list the runs of pipeline '" + pipeline + "'", this::runRecord, "SELECT " + RUN_COLUMNS
                + " FROM sluice_runs WHERE pipeline = ? AND sequence < ? ORDER BY sequence DESC LIMIT ?",
                pipeline.value(), beforeSequence.orElse(Long.MAX_VALUE), limit);
    }

    @Override
    public Optional<RunRecord> run(PipelineId pipeline, long runId) {
        requireNonNull(pipeline, "pipeline is null");
        return readRow("read run " + runId + " of pipeline '" + pipeline + "'", this::runRecord,
                "SELECT " + RUN_COLUMNS + " FROM sluice_runs WHERE run_id = ? AND pipeline = ?", runId, pipeline.value());
    }

    // --------------------------------------------------------------------------------------- ledger

    @Override
    public LedgerEntry markRunning(PipelineId pipeline, long runId, Window window, boolean backfill) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(window, "window is null");
        return write("put window " + window + " of pipeline '" + pipeline + "' on the books", () -> {
            Instant now = now();
            String cursor = window.cursor().label();
            long existing = -1;
            int attempt = 0;
            try (ResultSet rs = bind("SELECT id, attempt FROM sluice_ledger WHERE pipeline = ? AND backfill = ? "
                    + "AND start_key = ? AND end_key = ? AND cursor_kind = ? AND status <> 'discarded' "
                    + "ORDER BY id DESC LIMIT 1", pipeline.value(), backfill, window.startKey(), window.endKey(),
                    cursor).executeQuery()) {
                if (rs.next()) {
                    existing = rs.getLong(1);
                    attempt = rs.getInt(2) + 1;
                }
            }
            if (existing >= 0) {
                // A new attempt starts from zero: the entry is the latest attempt, not a sum of them.
                bind("UPDATE sluice_ledger SET status = 'running', attempt = ?, records_read = 0, "
                        + "records_written = 0, records_rejected = 0, empty_answers = 0, run_id = ?, error_id = NULL, started_at = ?, "
                        + "finished_at = NULL WHERE id = ?", attempt, runId, now, existing).executeUpdate();
                return new LedgerEntry(existing, pipeline, window, backfill, WindowStatus.RUNNING, attempt,
                        Counts.ZERO, runId, Optional.empty(), now, Optional.empty());
            }
            long id;
            try (ResultSet rs = bind("INSERT INTO sluice_ledger (pipeline, backfill, cursor_kind, start_text, end_text, "
                    + "start_key, end_key, status, attempt, run_id, started_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, 'running', 1, ?, ?) RETURNING id", pipeline.value(), backfill,
                    cursor, window.startText(), window.endText(), window.startKey(), window.endKey(), runId, now)
                    .executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            return new LedgerEntry(id, pipeline, window, backfill, WindowStatus.RUNNING, 1, Counts.ZERO, runId,
                    Optional.empty(), now, Optional.empty());
        });
    }

    @Override
    public LedgerEntry markSucceeded(LedgerEntry entry, Counts counts, Optional<Position> newWatermark) {
        checkSucceeded(entry, counts, newWatermark);
        return write("mark window " + entry.window() + " of pipeline '" + entry.pipeline() + "' succeeded",
                () -> succeed(this::bind, entry, counts, newWatermark));
    }

    @Override
    public boolean keepsBooksIn(Connection other) throws SQLException {
        requireNonNull(other, "other is null");
        if (dialect != Dialect.POSTGRESQL || !"PostgreSQL".equals(other.getMetaData().getDatabaseProductName()))
            return false;
        String mine = storeId();
        // to_regclass answers NULL rather than failing, so the caller's transaction stays usable.
        try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('sluice_store') IS NOT NULL")) {
            if (!rs.next() || !rs.getBoolean(1))
                return false;
        }
        try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery("SELECT store_id FROM sluice_store")) {
            while (rs.next()) {
                if (mine.equals(rs.getString(1)))
                    return true;
            }
        }
        return false;
    }

    @Override
    public LedgerEntry markSucceededWithin(Connection other, LedgerEntry entry, Counts counts, Optional<Position> newWatermark)
            throws SQLException {
        requireNonNull(other, "other is null");
        checkSucceeded(entry, counts, newWatermark);
        var opened = new ArrayList<PreparedStatement>();
        try {
            return succeed((sql, parameters) -> {
                PreparedStatement ps = other.prepareStatement(sql);
                opened.add(ps);
                return bindAll(ps, parameters);
            }, entry, counts, newWatermark);
        } finally {
            for (PreparedStatement ps : opened)
                ps.close();
        }
    }

    /** This store's identity (V3), read once. */
    private String storeId() {
        String id = storeId;
        if (id == null) {
            id = read("read the identity of the books", () -> {
                try (ResultSet rs = bind("SELECT store_id FROM sluice_store").executeQuery()) {
                    if (!rs.next())
                        throw new SQLException("sluice_store has no row");
                    return rs.getString(1);
                }
            });
            storeId = id;
        }
        return id;
    }

    private static void checkSucceeded(LedgerEntry entry, Counts counts, Optional<Position> newWatermark) {
        requireNonNull(entry, "entry is null");
        requireNonNull(counts, "counts is null");
        requireNonNull(newWatermark, "newWatermark is null");
        newWatermark.ifPresent(position -> {
            if (entry.backfill())
                throw new IllegalArgumentException("a backfill window never moves the watermark: " + entry.window());
            requireComparable(position, entry.window().cursor());
        });
    }

    @FunctionalInterface
    private interface Binder {
        PreparedStatement bind(String sql, Object... parameters) throws SQLException;
    }

    private LedgerEntry succeed(Binder binder, LedgerEntry entry, Counts counts, Optional<Position> newWatermark) throws SQLException {
        Instant now = now();
        int updated = binder.bind("UPDATE sluice_ledger SET status = 'succeeded', records_read = ?, records_written = ?, "
                + "records_rejected = ?, empty_answers = ?, error_id = NULL, finished_at = ? "
                + "WHERE id = ? AND attempt = ? AND status = 'running'", counts.read(), counts.written(),
                counts.rejected(), counts.emptyAnswers(), now, entry.id(), entry.attempt()).executeUpdate();
        if (updated != 1)
            throw noLongerRunning(entry, "the watermark was not moved");
        if (newWatermark.isPresent()) {
            Position p = newWatermark.get();
            CursorKind kind = entry.window().cursor();
            // Forward only: a window that finishes late (or twice) never takes the watermark back.
            binder.bind("INSERT INTO sluice_watermark (pipeline, cursor_kind, position_text, position_key, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (pipeline) DO UPDATE SET "
                    + "cursor_kind = excluded.cursor_kind, position_text = excluded.position_text, "
                    + "position_key = excluded.position_key, updated_at = excluded.updated_at "
                    + "WHERE sluice_watermark.position_key < excluded.position_key",
                    entry.pipeline().value(), kind.label(), p.text(), p.key(), now).executeUpdate();
        }
        return new LedgerEntry(entry.id(), entry.pipeline(), entry.window(), entry.backfill(),
                WindowStatus.SUCCEEDED, entry.attempt(), counts, entry.runId(), Optional.empty(),
                entry.startedAt(), Optional.of(now));
    }

    @Override
    public LedgerEntry markFailed(LedgerEntry entry, Counts counts, ErrorRecord error) {
        requireNonNull(entry, "entry is null");
        requireNonNull(counts, "counts is null");
        requireNonNull(error, "error is null");
        if (!error.pipeline().equals(entry.pipeline()))
            throw new IllegalArgumentException("error " + error.errorId() + " of pipeline '" + error.pipeline()
                    + "' cannot fail a window of pipeline '" + entry.pipeline() + "'");
        return write("mark window " + entry.window() + " of pipeline '" + entry.pipeline() + "' failed", () -> {
            Instant now = now();
            insertError(error);
            int updated = bind("UPDATE sluice_ledger SET status = 'failed', records_read = ?, records_written = ?, "
                    + "records_rejected = ?, empty_answers = ?, error_id = ?, finished_at = ? "
                    + "WHERE id = ? AND attempt = ? AND status = 'running'", counts.read(), counts.written(),
                    counts.rejected(), counts.emptyAnswers(), error.errorId(), now, entry.id(), entry.attempt()).executeUpdate();
            if (updated != 1)
                throw noLongerRunning(entry, "error " + error.errorId() + " was not recorded");
            return new LedgerEntry(entry.id(), entry.pipeline(), entry.window(), entry.backfill(), WindowStatus.FAILED,
                    entry.attempt(), counts, entry.runId(), Optional.of(error.errorId()), entry.startedAt(),
                    Optional.of(now));
        });
    }

    private SluiceException noLongerRunning(LedgerEntry entry, String consequence) {
        return new SluiceException(ErrorCode.STATE_CONFLICT, "pipeline '" + entry.pipeline() + "': attempt "
                + entry.attempt() + " at window " + entry.window() + " is no longer running on the books (a reset "
                + "discarded it, or another run took the window over); " + consequence);
    }

    @Override
    public List<LedgerEntry> entriesFrom(PipelineId pipeline, CursorKind cursor, Position from) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(cursor, "cursor is null");
        requireNonNull(from, "from is null");
        return read("read the ledger of pipeline '" + pipeline + "'", () -> ledgerEntries(bind("SELECT "
                + LEDGER_COLUMNS + " FROM sluice_ledger WHERE pipeline = ? AND backfill = ? AND start_key >= ? "
                + "AND cursor_kind = ? AND status <> 'discarded' ORDER BY start_key, id",
                pipeline.value(), false, from.key(), cursor.label())));
    }

    @Override
    public List<LedgerEntry> ledger(PipelineId pipeline, CursorKind cursor, LedgerFilter filter) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(cursor, "cursor is null");
        requireNonNull(filter, "filter is null");
        filter.from().ifPresent(p -> requireComparable(p, cursor));
        filter.to().ifPresent(p -> requireComparable(p, cursor));
        long from = filter.from().map(Position::key).orElse(Long.MIN_VALUE);
        long to = filter.to().map(Position::key).orElse(Long.MAX_VALUE);
        int limit = filter.limit();
        Optional<WindowStatus> status = filter.status();
        return read("read the ledger of pipeline '" + pipeline + "'", () -> {
            if (status.isPresent() && status.get() != WindowStatus.SUCCEEDED)
                return ledgerEntries(bind("SELECT " + LEDGER_COLUMNS + " FROM sluice_ledger WHERE pipeline = ? "
                        + "AND status = ? AND status <> 'succeeded' AND start_key >= ? AND start_key < ? AND cursor_kind = ?"
                        + (filter.includeBackfill() ? "" : " AND backfill = ?") + " ORDER BY start_key DESC, id DESC LIMIT ?",
                        filter.includeBackfill()
                                ? new Object[] {pipeline.value(), status.get().label(), from, to, cursor.label(), limit}
                                : new Object[] {pipeline.value(), status.get().label(), from, to, cursor.label(), false, limit}));
            // Newest incremental and newest backfill windows, each read in index order, merged here: one
            // index less to keep up on every window than an index on (pipeline, start_key) would be.
            String sql = "SELECT " + LEDGER_COLUMNS + " FROM sluice_ledger WHERE pipeline = ? AND backfill = ? "
                    + "AND start_key >= ? AND start_key < ? AND cursor_kind = ?" + (status.isPresent() ? " AND status = 'succeeded'" : "")
                    + " ORDER BY start_key DESC, id DESC LIMIT ?";
            List<LedgerEntry> merged = new ArrayList<>(ledgerEntries(bind(sql, pipeline.value(), false, from, to, cursor.label(), limit)));
            if (filter.includeBackfill())
                merged.addAll(ledgerEntries(bind(sql, pipeline.value(), true, from, to, cursor.label(), limit)));
            merged.sort(Comparator.comparingLong((LedgerEntry e) -> e.window().startKey())
                    .thenComparingLong(LedgerEntry::id).reversed());
            return List.copyOf(merged.subList(0, Math.min(limit, merged.size())));
        });
    }

    @Override
    public Map<WindowStatus, Long> windowCounts(PipelineId pipeline) {
        requireNonNull(pipeline, "pipeline is null");
        return read("count the windows of pipeline '" + pipeline + "'", () -> {
            Map<WindowStatus, Long> counts = new EnumMap<>(WindowStatus.class);
            for (WindowStatus s : WindowStatus.values())
                counts.put(s, 0L);
            long total = 0;
            long unfinished = 0;
            // One statement, so one snapshot: succeeded windows are all the others subtracted from the total.
            try (ResultSet rs = bind("SELECT status, COUNT(*) FROM sluice_ledger WHERE pipeline = ? "
                    + "AND status <> 'succeeded' GROUP BY status "
                    + "UNION ALL SELECT '', COUNT(*) FROM sluice_ledger WHERE pipeline = ?",
                    pipeline.value(), pipeline.value()).executeQuery()) {
                while (rs.next()) {
                    String status = rs.getString(1);
                    long n = rs.getLong(2);
                    if (status.isEmpty()) {
                        total = n;
                    } else {
                        counts.put(WindowStatus.fromLabel(status), n);
                        unfinished += n;
                    }
                }
            }
            counts.put(WindowStatus.SUCCEEDED, total - unfinished);
            return Collections.unmodifiableMap(counts);
        });
    }

    // --------------------------------------------------------------------------------------- errors

    @Override
    public void recordError(ErrorRecord error) {
        requireNonNull(error, "error is null");
        write("record error " + error.errorId(), () -> {
            insertError(error);
            return null;
        });
    }

    /** Idempotent: recording the same error id twice keeps the first. */
    private void insertError(ErrorRecord error) throws SQLException {
        bind("INSERT INTO sluice_errors (error_id, pipeline, run_id, code, message, context, at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (error_id) DO NOTHING", error.errorId(),
                error.pipeline().value(), error.runId().<Object>map(id -> id).orElse(NULL_BIGINT), error.code().name(),
                error.message(), toJson(error.context()), error.at()).executeUpdate();
    }

    @Override
    public Optional<ErrorRecord> error(String errorId) {
        requireNonNull(errorId, "errorId is null");
        return readRow("read error " + errorId, this::errorRecord,
                "SELECT " + ERROR_COLUMNS + " FROM sluice_errors WHERE error_id = ?", errorId);
    }

    @Override
    public List<ErrorRecord> errorsOfRun(long runId) {
        return readRows("list the errors of run " + runId, this::errorRecord, "SELECT " + ERROR_COLUMNS
                + " FROM sluice_errors WHERE run_id = ? ORDER BY " + dialect.ordered("at") + ", error_id", runId);
    }

    private ErrorRecord errorRecord(ResultSet rs) throws SQLException {
        long runId = rs.getLong("run_id");
        Optional<Long> run = rs.wasNull() ? Optional.empty() : Optional.of(runId);
        return new ErrorRecord(rs.getString("error_id"), new PipelineId(rs.getString("pipeline")), run,
                errorCode(rs.getString("code")), rs.getString("message"), fromJson(rs.getString("context")),
                dialect.getInstant(rs, "at"));
    }

    // ----------------------------------------------------------------------------------- key status

    @Override
    public void putKeyStatus(KeyStatus status) {
        requireNonNull(status, "status is null");
        write("record the status of key '" + status.key() + "' of pipeline '" + status.pipeline() + "'", () -> {
            putKey(status, false);
            return null;
        });
    }

    @Override
    public void recordKeyOutcomes(List<KeyStatus> statuses) {
        requireNonNull(statuses, "statuses is null");
        if (statuses.isEmpty())
            return;
        write("record the status of " + statuses.size() + " keys of pipeline '" + statuses.getFirst().pipeline() + "'", () -> {
            for (KeyStatus status : statuses)
                putKey(status, true);
            return null;
        });
    }

    private void putKey(KeyStatus status, boolean countAttempt) throws SQLException {
        Optional<Window> w = status.window();
        bind("INSERT INTO sluice_key_status (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (pipeline, key) DO UPDATE SET outcome = excluded.outcome, "
                        + "reason = excluded.reason, answered_by = excluded.answered_by, attempts = "
                        + (countAttempt ? "sluice_key_status.attempts + 1" : "excluded.attempts")
                        + ", error_id = excluded.error_id, updated_at = excluded.updated_at, cursor_kind = excluded.cursor_kind, "
                        + "window_start = excluded.window_start, window_end = excluded.window_end, backfill = excluded.backfill",
                status.pipeline().value(), status.key(), status.outcome().label(), text(status.reason()),
                text(status.answeredBy()), countAttempt ? 1 : status.attempts(), text(status.errorId()), status.updatedAt(),
                text(w.map(x -> x.cursor().label())), text(w.map(Window::startText)), text(w.map(Window::endText)),
                status.backfill()).executeUpdate();
    }

    @Override
    public List<KeyStatus> keyStatuses(PipelineId pipeline, Optional<KeyOutcome> outcome, int limit) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(outcome, "outcome is null");
        requirePositive(limit);
        String action = "list the key statuses of pipeline '" + pipeline + "'";
        Row<KeyStatus> row = rs -> new KeyStatus(pipeline, rs.getString("key"),
                KeyOutcome.valueOf(rs.getString("outcome").toUpperCase(Locale.ROOT)),
                Optional.ofNullable(rs.getString("reason")), Optional.ofNullable(rs.getString("answered_by")),
                rs.getInt("attempts"), Optional.ofNullable(rs.getString("error_id")),
                dialect.getInstant(rs, "updated_at"), keyWindow(rs), rs.getBoolean("backfill"));
        return outcome.isPresent()
                ? readRows(action, row, "SELECT " + KEY_COLUMNS + " FROM sluice_key_status WHERE pipeline = ? AND outcome = ? "
                        + "ORDER BY key LIMIT ?", pipeline.value(), outcome.get().label(), limit)
                : readRows(action, row, "SELECT " + KEY_COLUMNS + " FROM sluice_key_status WHERE pipeline = ? ORDER BY key LIMIT ?",
                        pipeline.value(), limit);
    }

    @Override
    public KeyTally keyTally(PipelineId pipeline) {
        requireNonNull(pipeline, "pipeline is null");
        // Few distinct answered-by texts (one per combination of answering requests), so this reads a handful of rows.
        return KeyTally.of(readRows("count the keys of pipeline '" + pipeline + "'",
                rs -> new KeyTally.Group(KeyOutcome.valueOf(rs.getString("outcome").toUpperCase(Locale.ROOT)),
                        Optional.ofNullable(rs.getString("answered_by")), rs.getLong("n")),
                "SELECT outcome, answered_by, COUNT(*) AS n FROM sluice_key_status WHERE pipeline = ? GROUP BY outcome, answered_by",
                pipeline.value()));
    }

    private static Optional<Window> keyWindow(ResultSet rs) throws SQLException {
        String kind = rs.getString("cursor_kind");
        if (kind == null)
            return Optional.empty();
        return Optional.of(Window.parse(cursorKind(kind), rs.getString("window_start"), rs.getString("window_end")));
    }

    // ------------------------------------------------------------------------------------- switches

    @Override
    public Optional<PipelineSwitch> pipelineSwitch(PipelineId pipeline) {
        requireNonNull(pipeline, "pipeline is null");
        return readRow("read the switch of pipeline '" + pipeline + "'", rs -> new PipelineSwitch(pipeline,
                rs.getBoolean("enabled"), rs.getBoolean("file_enabled"), dialect.getInstant(rs, "changed_at"), rs.getString("reason")),
                "SELECT enabled, file_enabled, changed_at, reason FROM sluice_switches WHERE pipeline = ?", pipeline.value());
    }

    @Override
    public void setPipelineSwitch(PipelineSwitch pipelineSwitch) {
        requireNonNull(pipelineSwitch, "pipelineSwitch is null");
        PipelineSwitch s = pipelineSwitch;
        write("switch pipeline '" + s.pipeline() + "' " + (s.enabled() ? "on" : "off"), () -> bind(
                "INSERT INTO sluice_switches (pipeline, enabled, file_enabled, changed_at, reason) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (pipeline) DO UPDATE SET enabled = excluded.enabled, file_enabled = excluded.file_enabled, "
                        + "changed_at = excluded.changed_at, reason = excluded.reason",
                s.pipeline().value(), s.enabled(), s.fileEnabled(), s.changedAt(), s.reason()).executeUpdate());
    }

    @Override
    public void clearPipelineSwitch(PipelineId pipeline) {
        requireNonNull(pipeline, "pipeline is null");
        write("clear the switch of pipeline '" + pipeline + "'",
                () -> bind("DELETE FROM sluice_switches WHERE pipeline = ?", pipeline.value()).executeUpdate());
    }

    // -------------------------------------------------------------------------------------- cleanup

    @Override
    public BooksCleanup cleanup(PipelineId pipeline, Instant before) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(before, "before is null");
        BooksCleanup deleted = write("clean up the books of pipeline '" + pipeline + "'", () -> clean(pipeline, before));
        log.atInfo().addKeyValue("pipeline", pipeline.value()).addKeyValue("before", before.toString())
                .addKeyValue("runs", deleted.runs()).addKeyValue("errors", deleted.errors())
                .addKeyValue("discarded_windows", deleted.discardedWindows()).log("books cleaned up");
        return deleted;
    }

    @Override
    public BooksCleanup cleanupPreview(PipelineId pipeline, Instant before) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(before, "before is null");
        return rehearse("preview the cleanup of pipeline '" + pipeline + "'", () -> clean(pipeline, before));
    }

    /**
     * The changes of {@link #cleanup}, in an order the foreign keys allow (ledger entries and errors refer
     * to runs): the old discarded entries go; then the errors of the doomed runs and the old errors of no
     * run, unless something kept names them; the errors of doomed runs that remain lose their run; then
     * the doomed runs go. The SQL fragment {@code kept} takes the parameters (cut, pipeline),
     * {@code doomed} (pipeline, cut, pipeline).
     */
    private BooksCleanup clean(PipelineId pipeline, Instant before) throws SQLException {
        String p = pipeline.value();
        Object t = dialect.ordered(before);
        // The status terms are those of the partial index of unfinished windows, so that SQLite uses it.
        long windows = bind("DELETE FROM sluice_ledger WHERE pipeline = ? AND status = 'discarded' AND status <> 'succeeded' "
                + "AND " + dialect.ordered("COALESCE(finished_at, started_at)") + " < ? "
                + "AND id < (SELECT MAX(id) FROM sluice_ledger)", p, t).executeUpdate();
        // A run is kept while it runs, is the pipeline's latest, finished at or after the cut, or is on the ledger.
        String kept = "(r.finished_at IS NULL OR " + dialect.ordered("r.finished_at") + " >= ? "
                + "OR r.sequence = (SELECT MAX(m.sequence) FROM sluice_runs m WHERE m.pipeline = ?) "
                + "OR EXISTS (SELECT 1 FROM sluice_ledger l WHERE l.run_id = r.run_id))";
        String doomed = "SELECT r.run_id FROM sluice_runs r WHERE r.pipeline = ? AND NOT " + kept;
        // Only failed and discarded entries name an error; the subqueries leave out NULLs, which NOT IN cannot take.
        long errors = bind("DELETE FROM sluice_errors WHERE pipeline = ? "
                + "AND (run_id IN (" + doomed + ") OR (run_id IS NULL AND " + dialect.ordered("at") + " < ?)) "
                + "AND error_id NOT IN (SELECT l.error_id FROM sluice_ledger l WHERE l.pipeline = ? AND l.status <> 'succeeded' "
                + "AND l.error_id IS NOT NULL) "
                + "AND error_id NOT IN (SELECT k.error_id FROM sluice_key_status k WHERE k.pipeline = ? AND k.error_id IS NOT NULL) "
                + "AND error_id NOT IN (SELECT r.error_id FROM sluice_runs r WHERE r.pipeline = ? AND r.error_id IS NOT NULL AND "
                + kept + ")", p, p, t, p, t, p, p, p, t, p).executeUpdate();
        bind("UPDATE sluice_errors SET run_id = NULL WHERE run_id IN (" + doomed + ")", p, t, p).executeUpdate();
        long runs = bind("DELETE FROM sluice_runs WHERE run_id IN (" + doomed + ")", p, t, p).executeUpdate();
        return new BooksCleanup(windows, runs, errors);
    }

    // ---------------------------------------------------------------------------------------- reset

    @Override
    public long reset(PipelineId pipeline, CursorKind cursor, Optional<Position> to) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(cursor, "cursor is null");
        requireNonNull(to, "to is null");
        to.ifPresent(p -> requireComparable(p, cursor));
        long discarded = write("reset pipeline '" + pipeline + "'", () -> {
            Instant now = now();
            if (to.isPresent()) {
                Position p = to.get();
                // The one place the watermark may move backwards.
                bind("INSERT INTO sluice_watermark (pipeline, cursor_kind, position_text, position_key, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (pipeline) DO UPDATE SET "
                        + "cursor_kind = excluded.cursor_kind, position_text = excluded.position_text, "
                        + "position_key = excluded.position_key, updated_at = excluded.updated_at",
                        pipeline.value(), cursor.label(), p.text(), p.key(), now).executeUpdate();
                // Entries of another cursor kind cannot be placed against the target: they go too.
                return (long) bind("UPDATE sluice_ledger SET status = 'discarded' WHERE pipeline = ? AND backfill = ? "
                        + "AND status <> 'discarded' AND (end_key > ? OR cursor_kind <> ?)",
                        pipeline.value(), false, p.key(), cursor.label()).executeUpdate();
            }
            bind("DELETE FROM sluice_watermark WHERE pipeline = ?", pipeline.value()).executeUpdate();
            return (long) bind("UPDATE sluice_ledger SET status = 'discarded' WHERE pipeline = ? AND backfill = ? "
                    + "AND status <> 'discarded'", pipeline.value(), false).executeUpdate();
        });
        log.atInfo().addKeyValue("pipeline", pipeline.value()).addKeyValue("to", to.map(Position::text).orElse("start"))
                .addKeyValue("discarded", discarded).log("state reset");
        return discarded;
    }

    // -------------------------------------------------------------------------------------- closing

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed)
                return;
            closed = true;
            closeStatements();
            if (connection != null) {
                if (dialect == Dialect.SQLITE) {
                    try (Statement s = connection.createStatement()) {
                        s.execute("PRAGMA optimize"); // keeps the query planner's statistics fresh, cheaply
                    } catch (SQLException e) {
                        log.atDebug().setCause(e).log("PRAGMA optimize failed on close");
                    }
                }
                closeQuietly(connection);
                connection = null;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "JdbcStateStore[" + describe() + "]";
    }

    // ------------------------------------------------------------------------------------ machinery

    private <T> T read(String action, Work<T> work) {
        lock.lock();
        try {
            ensureOpen();
            return work.run();
        } catch (SQLException e) {
            throw failure(action, e);
        } finally {
            lock.unlock();
        }
    }

    /** The row that {@code sql}, a lookup by key, selects, as {@code row} makes it, or empty. */
    private <T> Optional<T> readRow(String action, Row<T> row, String sql, Object... parameters) {
        return readRows(action, row, sql, parameters).stream().findFirst();
    }

    /** Every row {@code sql} selects, in order, as {@code row} makes it. */
    private <T> List<T> readRows(String action, Row<T> row, String sql, Object... parameters) {
        return read(action, () -> {
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = bind(sql, parameters).executeQuery()) {
                while (rs.next())
                    rows.add(row.of(rs));
            }
            return List.copyOf(rows);
        });
    }

    /** Runs {@code work} in one transaction: all of it or none of it. */
    private <T> T write(String action, Work<T> work) {
        return transaction(action, work, true);
    }

    /** Runs {@code work} in a transaction that is rolled back: what it would change, changing nothing. */
    private <T> T rehearse(String action, Work<T> work) {
        return transaction(action, work, false);
    }

    private <T> T transaction(String action, Work<T> work, boolean commit) {
        lock.lock();
        try {
            ensureOpen();
            begin();
            T result;
            try {
                result = work.run();
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly();
                throw e;
            }
            if (!commit) {
                end(false);
                return result;
            }
            try {
                end(true);
            } catch (SQLException e) {
                rollbackQuietly();
                throw e;
            }
            return result;
        } catch (SQLException e) {
            throw failure(action, e);
        } finally {
            lock.unlock();
        }
    }

    // SQLite: explicit BEGIN IMMEDIATE takes the write lock up front, so a transaction that reads and
    // then writes never fails half-way on a lock another process took in between (busy_timeout waits
    // for it instead). The driver stays in auto-commit mode, which avoids its implicit re-BEGIN.
    private void begin() throws SQLException {
        if (dialect == Dialect.SQLITE)
            statement("BEGIN IMMEDIATE").execute();
        else
            connection.setAutoCommit(false);
    }

    /** Ends the transaction {@link #begin} started: commits it, or rolls it back. */
    private void end(boolean commit) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            statement(commit ? "COMMIT" : "ROLLBACK").execute();
        } else {
            if (commit)
                connection.commit();
            else
                connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    private void rollbackQuietly() {
        try {
            // After some failures SQLite has rolled back already, and its ROLLBACK fails harmlessly.
            if (connection != null)
                end(false);
        } catch (SQLException | RuntimeException e) {
            log.atDebug().setCause(e).log("rollback failed");
        }
    }

    private void ensureOpen() throws SQLException {
        if (closed)
            throw new SluiceException(ErrorCode.STATE_UNAVAILABLE, "the state store " + describe() + " is closed");
        if (connection == null)
            connection = connector.connect(); // the previous one was lost; the schema was checked at open
    }

    private SluiceException failure(String action, SQLException e) {
        if (dialect.connectionLost(e)) {
            closeStatements();
            closeQuietly(connection);
            connection = null;
        }
        String what = "could not " + action + " in " + describe() + ": " + e.getMessage();
        return switch (dialect.classify(e)) {
            case DAMAGED -> damaged(url.endpoint(), e.getMessage(), e);
            case CONFLICT -> new SluiceException(ErrorCode.STATE_CONFLICT, what
                    + "; the books did not change", e);
            case SCHEMA_MISMATCH -> new SluiceException(ErrorCode.STATE_INCOMPATIBLE, what
                    + "; the state does not have the tables this build expects (was it changed by hand?)", e);
            case UNAVAILABLE -> new SluiceException(ErrorCode.STATE_UNAVAILABLE, what
                    + "; retry when the state store is available", e);
        };
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** The cached statement for {@code sql}, with its parameters bound in order. */
    private PreparedStatement bind(String sql, Object... parameters) throws SQLException {
        return bindAll(statement(sql), parameters);
    }

    private PreparedStatement bindAll(PreparedStatement ps, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            int index = i + 1;
            switch (parameters[i]) {
                case String s -> ps.setString(index, s);
                case Long l -> ps.setLong(index, l);
                case Integer n -> ps.setInt(index, n);
                case Boolean b -> ps.setBoolean(index, b);
                case Instant t -> dialect.setInstant(ps, index, t);
                case Null n when n.sqlType() == Types.TIMESTAMP_WITH_TIMEZONE -> dialect.setInstant(ps, index, null);
                case Null n -> ps.setNull(index, n.sqlType());
                default -> throw new IllegalArgumentException("cannot bind " + parameters[i].getClass());
            }
        }
        return ps;
    }

    private List<LedgerEntry> ledgerEntries(PreparedStatement ps) throws SQLException {
        List<LedgerEntry> entries = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next())
                entries.add(ledgerEntry(rs));
        }
        return List.copyOf(entries);
    }

    private LedgerEntry ledgerEntry(ResultSet rs) throws SQLException {
        CursorKind kind = cursorKind(rs.getString("cursor_kind"));
        return new LedgerEntry(
                rs.getLong("id"),
                new PipelineId(rs.getString("pipeline")),
                Window.parse(kind, rs.getString("start_text"), rs.getString("end_text")),
                rs.getBoolean("backfill"),
                WindowStatus.fromLabel(rs.getString("status")),
                rs.getInt("attempt"),
                new Counts(rs.getLong("records_read"), rs.getLong("records_written"), rs.getLong("records_rejected"),
                        rs.getLong("empty_answers")),
                rs.getLong("run_id"),
                Optional.ofNullable(rs.getString("error_id")),
                dialect.getInstant(rs, "started_at"),
                Optional.ofNullable(dialect.getInstant(rs, "finished_at")));
    }

    private RunRecord runRecord(ResultSet rs) throws SQLException {
        return new RunRecord(
                rs.getLong("run_id"),
                new PipelineId(rs.getString("pipeline")),
                rs.getLong("sequence"),
                RunKind.fromLabel(rs.getString("kind")),
                RunStatus.fromLabel(rs.getString("status")),
                dialect.getInstant(rs, "started_at"),
                Optional.ofNullable(dialect.getInstant(rs, "finished_at")),
                new RunTotals(rs.getLong("windows_succeeded"), rs.getLong("windows_failed"),
                        new Counts(rs.getLong("records_read"), rs.getLong("records_written"),
                                rs.getLong("records_rejected"), rs.getLong("empty_answers"))),
                Optional.ofNullable(rs.getString("error_id")),
                rs.getString("details"));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static CursorKind cursorKind(String label) {
        return CursorKind.valueOf(label.toUpperCase(Locale.ROOT));
    }

    /** Codes written by a newer build may be unknown here; the message still tells the story. */
    private static ErrorCode errorCode(String name) {
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ErrorCode.INTERNAL;
        }
    }

    private static Object text(Optional<String> value) {
        return value.<Object>map(v -> v).orElse(NULL_TEXT);
    }

    private static String toJson(Map<String, String> context) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(context));
        } catch (JacksonException e) {
            throw new SluiceException(ErrorCode.INTERNAL, "cannot write error context as JSON: " + e.getMessage(), e);
        }
    }

    private Map<String, String> fromJson(String json) {
        if (json == null || json.isBlank())
            return Map.of();
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JacksonException e) {
            throw new SluiceException(ErrorCode.STATE_INCOMPATIBLE, "error context in " + describe()
                    + " is not a JSON object of strings: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Positions of time and of snapshot pipelines are both instants, with the same keys; an id is not.
     * The books keep the pipeline's own cursor kind either way.
     */
    private static void requireComparable(Position position, CursorKind cursor) {
        boolean instants = position.cursor() != CursorKind.ID && cursor != CursorKind.ID;
        if (position.cursor() != cursor && !instants)
            throw new IllegalArgumentException("position " + position + " is a " + position.cursor().label()
                    + " position, but the pipeline's cursor is " + cursor.label());
    }

    private static void requirePositive(Duration ttl) {
        requireNonNull(ttl, "ttl is null");
        if (ttl.isNegative() || ttl.isZero())
            throw new IllegalArgumentException("lease ttl must be > 0, was " + ttl);
    }

    private static void requirePositive(int limit) {
        if (limit < 1)
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }

    private void closeStatements() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                log.atDebug().setCause(e).log("closing a statement failed");
            }
        }
        statements.clear();
    }

    private static void closeQuietly(Connection c) {
        if (c == null)
            return;
        try {
            c.close();
        } catch (SQLException e) {
            log.atDebug().setCause(e).log("closing the state connection failed");
        }
    }
}
