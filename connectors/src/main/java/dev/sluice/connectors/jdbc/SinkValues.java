package dev.sluice.connectors.jdbc;

import dev.sluice.connectors.jdbc.SinkColumn.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Converts a record's values into what a column takes: Java values for prepared statements, and the
 * text PostgreSQL's COPY reads. Timestamps without a zone are written as local times in {@code zone};
 * text without an offset going into a column with a zone is taken as a local time in {@code zone}.
 */
final class SinkValues {
    private final SqlDialect dialect;
    private final ZoneId zone;
    private final boolean utc;

    SinkValues(SqlDialect dialect, ZoneId zone) {
        this.dialect = dialect;
        this.zone = zone;
        this.utc = zone.normalized().equals(ZoneOffset.UTC);
    }

    /** The value of {@code node} for {@code column}; null for JSON null or a missing field. */
    Object value(SinkColumn column, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode())
            return null;
        try {
            return switch (column.kind()) {
                case INTEGER -> node.isIntegralNumber() ? (node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue())
                        : integer(text(node).strip());
                case DECIMAL -> node.isNumber() ? node.decimalValue() : new BigDecimal(text(node).strip());
                case FLOAT -> node.isNumber() ? node.doubleValue() : Double.parseDouble(text(node).strip());
                case BOOLEAN -> node.isBoolean() ? node.booleanValue() : bool(node);
                case JSON -> node.toString();
                case BINARY -> Base64.getDecoder().decode(text(node));
                case DATE -> LocalDate.parse(text(node).strip());
                case TIME -> LocalTime.parse(text(node).strip());
                case TIMESTAMP -> local(text(node).strip());
                case TIMESTAMPTZ -> zoned(text(node).strip());
                case UUID -> UUID.fromString(text(node).strip());
                case TEXT, OTHER -> node.isString() ? node.stringValue() : node.toString();
            };
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            String shown = node.toString();
            if (shown.length() > 60)
                shown = shown.substring(0, 57) + "...";
            throw new IllegalArgumentException("value " + shown + " cannot go into column " + column.name() + " ("
                    + column.typeName() + "): " + hint(column.kind()), e);
        }
    }

    /** Binds {@code value} (from {@link #value}) as parameter {@code index}. */
    void bind(PreparedStatement ps, int index, SinkColumn column, Object value) throws SQLException {
        if (value == null) {
            int type = nullType(column.kind());
            ps.setNull(index, type == Types.OTHER && dialect != SqlDialect.POSTGRESQL ? Types.VARCHAR : type);
            return;
        }
        switch (column.kind()) {
            case INTEGER -> {
                if (value instanceof Long l)
                    ps.setLong(index, l);
                else
                    ps.setBigDecimal(index, new BigDecimal((BigInteger) value));
            }
            case DECIMAL -> ps.setBigDecimal(index, (BigDecimal) value);
            case FLOAT -> ps.setDouble(index, (Double) value);
            case BOOLEAN -> ps.setBoolean(index, (Boolean) value);
            case BINARY -> ps.setBytes(index, (byte[]) value);
            case JSON, OTHER -> {
                if (dialect == SqlDialect.POSTGRESQL)
                    ps.setObject(index, value, Types.OTHER); // the server casts the text to json, jsonb, an enum...
                else
                    ps.setString(index, (String) value);
            }
            case UUID -> {
                if (dialect == SqlDialect.POSTGRESQL)
                    ps.setObject(index, value);
                else
                    ps.setString(index, value.toString());
            }
            case TIMESTAMPTZ -> {
                if (dialect == SqlDialect.SQLITE)
                    ps.setString(index, ((OffsetDateTime) value).toString());
                else if (dialect == SqlDialect.MARIADB) // no zone in MariaDB's types: the instant as UTC
                    ps.setObject(index, ((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
                else
                    ps.setObject(index, value);
            }
            case DATE, TIME, TIMESTAMP -> {
                if (dialect == SqlDialect.SQLITE)
                    ps.setString(index, value.toString());
                else
                    ps.setObject(index, value);
            }
            case TEXT -> ps.setString(index, (String) value);
        }
    }

    /** {@code text} (from {@link #copyText}) as a field of PostgreSQL's COPY CSV format; null is an empty field. */
    static void copyField(StringBuilder out, String text) {
        if (text == null)
            return;
        // Always quoted, so that an empty string stays an empty string and not NULL.
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"')
                out.append('"');
            out.append(ch);
        }
        out.append('"');
    }

    private LocalDateTime local(String text) {
        return hasOffset(text) ? OffsetDateTime.parse(text).atZoneSameInstant(zone).toLocalDateTime() : LocalDateTime.parse(text);
    }

    private OffsetDateTime zoned(String text) {
        return hasOffset(text) ? OffsetDateTime.parse(text) : LocalDateTime.parse(text).atZone(zone).toOffsetDateTime();
    }

    /** Whether ISO-8601 date-time text ends with Z or an offset such as +02:00 (looked at, not parsed, since rows are many). */
    static boolean hasOffset(String text) {
        int t = text.indexOf('T');
        if (t < 0)
            t = text.indexOf(' ');
        if (t < 0)
            return false;
        char last = text.charAt(text.length() - 1);
        if (last == 'Z' || last == 'z')
            return true;
        for (int i = t + 1; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '+' || ch == '-')
                return true;
        }
        return false;
    }

    private static Object integer(String text) {
        BigInteger b = new BigInteger(text);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    /**
     * {@code node} as the text COPY reads for {@code column}, or null for NULL: the same values as
     * {@link #value}, but numbers, text and times with an offset pass as they are, since most of a COPY's
     * time would otherwise go into building objects only to print them again.
     */
    String copyText(SinkColumn column, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode())
            return null;
        switch (column.kind()) {
            case INTEGER -> {
                if (node.isIntegralNumber())
                    return node.asString();
            }
            case DECIMAL, FLOAT -> {
                if (node.isNumber())
                    return node.isBigDecimal() ? node.decimalValue().toPlainString() : node.asString();
            }
            case BOOLEAN -> {
                if (node.isBoolean())
                    return node.booleanValue() ? "true" : "false";
            }
            case TEXT -> {
                if (node.isString())
                    return node.stringValue();
            }
            case TIMESTAMPTZ -> {
                // PostgreSQL reads the offset itself
                if (node.isString() && hasOffset(node.stringValue()))
                    return node.stringValue();
            }
            case TIMESTAMP -> {
                if (node.isString()) {
                    String text = node.stringValue();
                    if (!hasOffset(text))
                        return text;
                    if (utc && text.endsWith("Z"))
                        return text.substring(0, text.length() - 1);
                }
            }
            default -> { }
        }
        Object value = value(column, node);
        if (value == null)
            return null;
        return column.kind() == Kind.BINARY ? "\\x" + HexFormat.of().formatHex((byte[]) value) : value.toString();
    }

    private static String text(JsonNode node) {
        if (!node.isValueNode())
            throw new IllegalArgumentException("an object or array is not a single value");
        return node.isString() ? node.stringValue() : node.asString();
    }

    private static boolean bool(JsonNode node) {
        return switch (text(node).strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "t", "yes", "1" -> true;
            case "false", "f", "no", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static String hint(Kind kind) {
        return switch (kind) {
            case INTEGER -> "expected a whole number";
            case DECIMAL, FLOAT -> "expected a number";
            case BOOLEAN -> "expected true or false";
            case BINARY -> "expected base64 text";
            case DATE -> "expected a date such as 2024-05-01";
            case TIME -> "expected a time such as 13:45:00";
            case TIMESTAMP, TIMESTAMPTZ -> "expected an ISO-8601 time such as 2024-05-01T13:45:00Z";
            case UUID -> "expected a UUID";
            default -> "expected a single value";
        } + "; fix the data, or convert the field with a step before the sink";
    }

    private static int nullType(Kind kind) {
        return switch (kind) {
            case INTEGER -> Types.BIGINT;
            case DECIMAL -> Types.NUMERIC;
            case FLOAT -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
            case BINARY -> Types.VARBINARY;
            case DATE -> Types.DATE;
            case TIME -> Types.TIME;
            case TIMESTAMP -> Types.TIMESTAMP;
            case TIMESTAMPTZ -> Types.TIMESTAMP_WITH_TIMEZONE;
            case JSON, UUID, OTHER -> Types.OTHER;
            case TEXT -> Types.VARCHAR;
        };
    }
}
