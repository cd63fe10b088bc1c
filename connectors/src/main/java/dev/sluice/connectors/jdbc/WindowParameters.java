package dev.sluice.connectors.jdbc;

import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Map;

/**
 * The named parameters a query may use, by cursor, and how each is bound. Values are bound as typed
 * parameters, never written into the statement.
 *
 * <p>Time bounds, {@code :window_start} and {@code :window_end}: on PostgreSQL a {@code timestamptz}
 * (the instant), with the transaction's {@code TimeZone} set to the source's zone so that PostgreSQL
 * reads a {@code timestamp} (without time zone) column in that zone; elsewhere a date-time without zone,
 * the bound's local time in the source's zone (MariaDB/MySQL {@code DATETIME}, or other drivers'
 * {@code TIMESTAMP}), and on SQLite that local time as text {@code yyyy-MM-dd HH:mm:ss}. The
 * {@code _utc} variants are always the bound's UTC time without zone.
 */
final class WindowParameters {
    static final List<String> TIME = List.of("window_start", "window_end", "window_start_utc", "window_end_utc");
    static final List<String> ID = List.of("id_start", "id_end");
    private static final Map<String, Boolean> IS_START = Map.of("window_start", true, "window_start_utc", true, "id_start", true,
            "window_end", false, "window_end_utc", false, "id_end", false);
    private static final DateTimeFormatter SQLITE = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    private WindowParameters() {
    }

    /** The names valid for windows of {@code cursor}. */
    static List<String> valid(CursorKind cursor) {
        return switch (cursor) {
            case TIME -> TIME;
            case ID -> ID;
            case NONE -> List.of();
        };
    }

    /** All names any cursor knows. */
    static boolean known(String name) {
        return IS_START.containsKey(name);
    }

    static boolean isStart(String name) {
        return IS_START.getOrDefault(name, false);
    }

    static boolean isEnd(String name) {
        return IS_START.containsKey(name) && !IS_START.get(name);
    }

    /** Binds every placeholder of {@code query} to its value in {@code window}. */
    static void bind(PreparedStatement statement, NamedParameters query, Window window, SqlDialect dialect, ZoneId zone) throws SQLException {
        for (int i = 0; i < query.names().size(); i++) {
            String name = query.names().get(i);
            int at = i + 1;
            switch (window) {
                case TimeWindow w -> {
                    Instant t = isStart(name) ? w.start() : w.end();
                    if (name.endsWith("_utc"))
                        bindLocal(statement, at, LocalDateTime.ofInstant(t, ZoneOffset.UTC), dialect);
                    else if (dialect == SqlDialect.POSTGRESQL)
                        statement.setObject(at, t.atZone(zone).toOffsetDateTime());
                    else
                        bindLocal(statement, at, localBound(t, zone), dialect);
                }
                case IdWindow w -> statement.setLong(at, isStart(name) ? w.start() : w.end());
                default -> throw new IllegalStateException("parameter :" + name + " has no value in window " + window);
            }
        }
    }

    private static void bindLocal(PreparedStatement statement, int at, LocalDateTime value, SqlDialect dialect) throws SQLException {
        if (dialect == SqlDialect.SQLITE)
            statement.setString(at, sqliteText(value));
        else
            statement.setObject(at, value);
    }

    /** SQLite's own text form of a date-time, as datetime() writes it; fractions only when there are any. */
    static String sqliteText(LocalDateTime value) {
        String text = SQLITE.format(value);
        if (value.getNano() == 0)
            return text;
        return text + "." + String.format("%09d", value.getNano()).replaceFirst("0+$", "");
    }

    /**
     * The local time in {@code zone} that a bound at instant {@code t} compares against, for columns of
     * date-times without zone. Such a value is read as the later of two instants when it occurs twice
     * (the hour repeated when clocks go back), as PostgreSQL reads it; so an instant in the first pass
     * of a repeated hour is mapped to the start of that hour. This keeps the mapping from instants to
     * local times non-decreasing, so windows that tile time also tile local time: no row is read twice
     * or missed around a DST change.
     */
    static LocalDateTime localBound(Instant t, ZoneId zone) {
        ZonedDateTime z = t.atZone(zone);
        LocalDateTime local = z.toLocalDateTime();
        ZoneOffset later = ZonedDateTime.ofLocal(local, zone, null).withLaterOffsetAtOverlap().getOffset();
        if (!later.equals(z.getOffset())) { // t is in the first pass of a repeated hour
            ZoneOffsetTransition back = zone.getRules().nextTransition(t);
            return back.getDateTimeAfter();
        }
        return local;
    }

    /** A date-time without zone read as a time in {@code zone}: the later instant when it occurs twice. */
    static OffsetDateTime placeLocal(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.ofLocal(local, zone, null).withLaterOffsetAtOverlap().toOffsetDateTime();
    }
}
