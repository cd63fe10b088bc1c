package dev.sluice.connectors.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.DecimalNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the values of a result's columns become JSON: a reader per column, chosen once from the result's
 * metadata, so that each row costs one call per column.
 *
 * <ul>
 * <li>integers: numbers (long, or a big integer beyond it); DECIMAL/NUMERIC: exact decimals;
 *     REAL/FLOAT/DOUBLE: doubles (NaN and infinities as text, JSON having no such numbers);
 * <li>booleans, including MariaDB's TINYINT(1)/BOOLEAN and SQLite columns declared BOOLEAN: true/false;
 * <li>DATE: {@code yyyy-MM-dd}; TIME: ISO {@code HH:mm:ss[.f]} (with its offset for {@code timetz};
 *     MariaDB's TIME, which may pass 24 hours, as the server writes it);
 * <li>timestamps with time zone (PostgreSQL's {@code timestamptz}, MariaDB's TIMESTAMP, which the source
 *     reads in UTC): the instant in UTC, {@code 2025-01-01T09:00:00Z};
 * <li>timestamps without time zone (PostgreSQL's {@code timestamp}, MariaDB's DATETIME): placed in the
 *     source's zone and written with that zone's offset, {@code 2025-01-01T10:00:00+01:00}; a local time
 *     that occurs twice is taken as the later one;
 * <li>binary: base64 text; JSON columns (by type, or listed in {@code json_columns}): JSON trees;
 *     PostgreSQL arrays: JSON arrays; UUIDs and anything else: text; NULL: null.
 * </ul>
 * SQLite has no column types of its own: its values keep the form they are stored in (integer, real,
 * text, blob), except for columns declared BOOLEAN or JSON.
 */
final class JdbcTypes {
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter OFFSET_DATE_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private JdbcTypes() {
    }

    /** Reads one column of the current row. */
    @FunctionalInterface
    interface Column {
        JsonNode read(ResultSet rs, int index) throws SQLException;
    }

    /** Column labels used more than once, each with its 1-based positions; empty when all are distinct. */
    static Map<String, List<Integer>> duplicateLabels(ResultSetMetaData md) throws SQLException {
        var positions = new LinkedHashMap<String, List<Integer>>();
        for (int i = 1; i <= md.getColumnCount(); i++)
            positions.computeIfAbsent(md.getColumnLabel(i), k -> new ArrayList<>()).add(i);
        positions.values().removeIf(p -> p.size() < 2);
        return positions;
    }

    /** A reader for every column of a result, in order. */
    static Column[] columns(ResultSetMetaData md, SqlDialect dialect, ZoneId zone, Set<String> jsonColumns) throws SQLException {
        var out = new Column[md.getColumnCount()];
        for (int i = 1; i <= out.length; i++) {
            String label = md.getColumnLabel(i);
            String typeName = md.getColumnTypeName(i) == null ? "" : md.getColumnTypeName(i).toLowerCase(Locale.ROOT);
            boolean json = jsonColumns.contains(label) || typeName.equals("json") || typeName.equals("jsonb");
            out[i - 1] = json ? JdbcTypes::json : column(md.getColumnType(i), typeName, dialect, zone);
        }
        return out;
    }

    /** The current row as an object, keyed by column label. */
    static ObjectNode row(ResultSet rs, String[] labels, Column[] columns) throws SQLException {
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < columns.length; i++) {
            try {
                o.set(labels[i], columns[i].read(rs, i + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("column '" + labels[i] + "': " + e.getMessage(), e);
            }
        }
        return o;
    }

    private static Column column(int type, String typeName, SqlDialect dialect, ZoneId zone) {
        if (dialect == SqlDialect.SQLITE)
            return type == Types.BOOLEAN || typeName.equals("boolean") ? JdbcTypes::sqliteBoolean : (rs, i) -> value(rs.getObject(i), zone, false);
        return switch (type) {
            case Types.BOOLEAN, Types.BIT -> JdbcTypes::bit;
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> (rs, i) -> value(rs.getObject(i), zone, false);
            case Types.DECIMAL, Types.NUMERIC, Types.REAL, Types.FLOAT, Types.DOUBLE ->
                    typeName.equals("money") ? JdbcTypes::text : (rs, i) -> value(rs.getObject(i), zone, false);
            case Types.DATE -> typeName.equals("year") ? JdbcTypes::year : JdbcTypes::date;
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> {
                if (typeName.equals("timetz") || type == Types.TIME_WITH_TIMEZONE)
                    yield JdbcTypes::offsetTime;
                yield dialect == SqlDialect.MARIADB ? JdbcTypes::text : JdbcTypes::localTime;
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                if (type == Types.TIMESTAMP_WITH_TIMEZONE || typeName.equals("timestamptz"))
                    yield JdbcTypes::instant;
                if (dialect == SqlDialect.MARIADB && typeName.equals("timestamp"))
                    yield JdbcTypes::utcTimestamp; // the source reads MariaDB sessions with time_zone +00:00
                yield (rs, i) -> localTimestamp(rs, i, zone);
            }
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> JdbcTypes::binary;
            case Types.ARRAY -> (rs, i) -> array(rs.getArray(i), typeName, zone);
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB,
                 Types.SQLXML, Types.OTHER -> JdbcTypes::text;
            default -> (rs, i) -> value(rs.getObject(i), zone, false);
        };
    }

    private static JsonNode text(ResultSet rs, int i) throws SQLException {
        String s = rs.getString(i);
        return s == null ? NODES.nullNode() : NODES.stringNode(s);
    }

    private static JsonNode json(ResultSet rs, int i) throws SQLException {
        String s = rs.getString(i);
        return s == null ? NODES.nullNode() : parseJson(s);
    }

    static JsonNode parseJson(String s) {
        try {
            return JSON.readTree(s);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode sqliteBoolean(ResultSet rs, int i) throws SQLException {
        Object v = rs.getObject(i);
        if (v instanceof Number n && (n.longValue() == 0 || n.longValue() == 1) && !(v instanceof Double))
            return NODES.booleanNode(n.longValue() == 1);
        return value(v, ZoneOffset.UTC, false);
    }

    private static JsonNode year(ResultSet rs, int i) throws SQLException {
        int y = rs.getInt(i);
        return rs.wasNull() ? NODES.nullNode() : NODES.numberNode((long) y);
    }

    private static JsonNode date(ResultSet rs, int i) throws SQLException {
        LocalDate d = rs.getObject(i, LocalDate.class);
        return d == null ? NODES.nullNode() : NODES.stringNode(d.toString());
    }

    private static JsonNode localTime(ResultSet rs, int i) throws SQLException {
        LocalTime t = rs.getObject(i, LocalTime.class);
        return t == null ? NODES.nullNode() : NODES.stringNode(DateTimeFormatter.ISO_LOCAL_TIME.format(t));
    }

    private static JsonNode offsetTime(ResultSet rs, int i) throws SQLException {
        OffsetTime t = rs.getObject(i, OffsetTime.class);
        return t == null ? NODES.nullNode() : NODES.stringNode(DateTimeFormatter.ISO_OFFSET_TIME.format(t));
    }

    private static JsonNode instant(ResultSet rs, int i) throws SQLException {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        if (t == null)
            return NODES.nullNode();
        if (t.equals(OffsetDateTime.MAX) || t.equals(OffsetDateTime.MIN))
            return NODES.stringNode(t.equals(OffsetDateTime.MAX) ? "infinity" : "-infinity");
        return NODES.stringNode(DateTimeFormatter.ISO_INSTANT.format(t.toInstant()));
    }

    private static JsonNode utcTimestamp(ResultSet rs, int i) throws SQLException {
        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
        return t == null ? NODES.nullNode() : NODES.stringNode(DateTimeFormatter.ISO_INSTANT.format(t.toInstant(ZoneOffset.UTC)));
    }

    private static JsonNode localTimestamp(ResultSet rs, int i, ZoneId zone) throws SQLException {
        LocalDateTime t = rs.getObject(i, LocalDateTime.class);
        return t == null ? NODES.nullNode() : local(t, zone);
    }

    private static JsonNode local(LocalDateTime t, ZoneId zone) {
        if (t.equals(LocalDateTime.MAX) || t.equals(LocalDateTime.MIN)) // PostgreSQL's infinity and -infinity
            return NODES.stringNode(t.equals(LocalDateTime.MAX) ? "infinity" : "-infinity");
        return NODES.stringNode(OFFSET_DATE_TIME.format(WindowParameters.placeLocal(t, zone)));
    }

    private static JsonNode binary(ResultSet rs, int i) throws SQLException {
        byte[] b = rs.getBytes(i);
        return b == null ? NODES.nullNode() : NODES.stringNode(Base64.getEncoder().encodeToString(b));
    }

    private static JsonNode array(Array a, String typeName, ZoneId zone) throws SQLException {
        if (a == null)
            return NODES.nullNode();
        try {
            boolean instants = typeName.equals("_timestamptz");
            boolean json = typeName.equals("_json") || typeName.equals("_jsonb");
            return elements((Object[]) a.getArray(), zone, instants, json);
        } finally {
            a.free();
        }
    }

    private static ArrayNode elements(Object[] values, ZoneId zone, boolean instants, boolean json) throws SQLException {
        ArrayNode out = NODES.arrayNode(values.length);
        for (Object v : values) {
            if (v instanceof Object[] nested)
                out.add(elements(nested, zone, instants, json));
            else if (json && v != null)
                out.add(parseJson(v.toString()));
            else
                out.add(value(v, zone, instants));
        }
        return out;
    }

    /** A value as the driver gives it, by its class; used where the column type says nothing more precise. */
    static JsonNode value(Object v, ZoneId zone, boolean timestampsAreInstants) throws SQLException {
        return switch (v) {
            case null -> NODES.nullNode();
            case Boolean b -> NODES.booleanNode(b);
            case Byte b -> NODES.numberNode((long) b);
            case Short s -> NODES.numberNode((long) s);
            case Integer n -> NODES.numberNode((long) n);
            case Long n -> NODES.numberNode(n);
            case BigInteger n -> n.bitLength() < 64 ? NODES.numberNode(n.longValue()) : NODES.numberNode(n);
            case BigDecimal d -> DecimalNode.valueOf(d);
            // A float's shortest text, so that REAL 0.1 is 0.1 and not 0.10000000149011612
            case Float f -> Float.isFinite(f) ? NODES.numberNode(Double.parseDouble(Float.toString(f))) : NODES.stringNode(f.toString());
            case Double d -> Double.isFinite(d) ? NODES.numberNode(d) : NODES.stringNode(d.toString());
            case String s -> NODES.stringNode(s);
            case byte[] b -> NODES.stringNode(Base64.getEncoder().encodeToString(b));
            case UUID u -> NODES.stringNode(u.toString());
            case java.sql.Date d -> NODES.stringNode(d.toLocalDate().toString());
            case java.sql.Time t -> NODES.stringNode(DateTimeFormatter.ISO_LOCAL_TIME.format(t.toLocalTime()));
            case java.sql.Timestamp t -> timestampsAreInstants ? NODES.stringNode(DateTimeFormatter.ISO_INSTANT.format(t.toInstant()))
                    : local(t.toLocalDateTime(), zone);
            case LocalDate d -> NODES.stringNode(d.toString());
            case LocalTime t -> NODES.stringNode(DateTimeFormatter.ISO_LOCAL_TIME.format(t));
            case LocalDateTime t -> local(t, zone);
            case OffsetDateTime t -> NODES.stringNode(DateTimeFormatter.ISO_INSTANT.format(t.toInstant()));
            case Instant t -> NODES.stringNode(DateTimeFormatter.ISO_INSTANT.format(t));
            case OffsetTime t -> NODES.stringNode(DateTimeFormatter.ISO_OFFSET_TIME.format(t));
            case Blob b -> NODES.stringNode(Base64.getEncoder().encodeToString(b.getBytes(1, (int) b.length())));
            case Clob c -> NODES.stringNode(c.getSubString(1, (int) c.length()));
            case SQLXML x -> NODES.stringNode(x.getString());
            default -> NODES.stringNode(v.toString());
        };
    }

    /** A boolean, or the bits of MariaDB's BIT(n) with n > 1 as an unsigned number; PostgreSQL's bit strings stay text. */
    private static JsonNode bit(ResultSet rs, int i) throws SQLException {
        Object v = rs.getObject(i);
        if (v instanceof byte[] b)
            return value(new BigInteger(1, b), ZoneOffset.UTC, false);
        return value(v, ZoneOffset.UTC, false);
    }
}
