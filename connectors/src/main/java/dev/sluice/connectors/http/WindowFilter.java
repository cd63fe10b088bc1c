package dev.sluice.connectors.http;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Keeps the records whose {@code field} lies in the half-open window ({@code start <= value < end}):
 * for APIs whose bounds are inclusive, so that a record at an exact bound is read by one window only.
 * A record without the field, or with a value that cannot be read, fails the window: dropping it
 * would lose it silently.
 */
record WindowFilter(FieldPath field, Format format, Optional<DateTimeFormatter> pattern, ZoneId zone) {
    enum Format { AUTO, ISO, EPOCH, EPOCH_MS, PATTERN }

    static Optional<WindowFilter> bind(ConfigObject source, ZoneId zone) {
        Optional<ConfigObject> node = source.object("keep_in_window");
        if (node.isEmpty())
            return Optional.empty();
        ConfigObject k = node.get();
        String fieldText = k.required("field", "updated_at");
        Optional<FieldPath> field = fieldText == null ? Optional.empty() : FieldPath.parse(fieldText);
        if (fieldText != null && field.isEmpty())
            k.problem("field", "'" + fieldText + "' is not a field path; write it as updated_at, meta.updated_at or items[0].at");
        Format format = k.choice("format", Format.class).orElse(Format.AUTO);
        Optional<DateTimeFormatter> pattern = k.string("pattern").flatMap(p -> {
            if (!Template.validPattern(p)) {
                k.problem("pattern", "'" + p + "' is not a date-time pattern; e.g. pattern: yyyy-MM-dd HH:mm:ss");
                return Optional.empty();
            }
            return Optional.of(DateTimeFormatter.ofPattern(p, Locale.ROOT));
        });
        if (format == Format.PATTERN && !k.has("pattern"))
            k.problem("format", "format: pattern needs pattern:, e.g. pattern: yyyy-MM-dd HH:mm:ss");
        k.finish();
        return field.map(f -> new WindowFilter(f, format, pattern, zone));
    }

    boolean contains(Window window, JsonNode record) {
        JsonNode v = field.find(record).orElseThrow(() -> new SluiceException(ErrorCode.SOURCE_INVALID_DATA,
                "a record has no '" + field.text() + "' (keep_in_window.field), so it cannot be placed in window " + window
                        + "; the window was not committed. Record: " + excerpt(record)));
        return switch (window) {
            case TimeWindow t -> {
                Instant at = instant(v, window, record);
                yield !at.isBefore(t.start()) && at.isBefore(t.end());
            }
            case IdWindow i -> {
                if (!v.isIntegralNumber() && !(v.isString() && v.asString().matches("-?\\d+")))
                    throw unreadable(v, window, record, "a whole number");
                long id = v.isString() ? Long.parseLong(v.asString()) : v.asLong();
                yield id >= i.start() && id < i.end();
            }
            default -> true;
        };
    }

    private Instant instant(JsonNode v, Window window, JsonNode record) {
        try {
            if (v.isNumber()) {
                return switch (format) {
                    case EPOCH -> Instant.ofEpochSecond(v.asLong());
                    case EPOCH_MS -> Instant.ofEpochMilli(v.asLong());
                    // Seconds since 1970 stay below 10^11 until the year 5138; milliseconds passed it in 1973.
                    default -> Math.abs(v.asLong()) < 100_000_000_000L ? Instant.ofEpochSecond(v.asLong()) : Instant.ofEpochMilli(v.asLong());
                };
            }
            String s = v.asString().strip();
            if (pattern.isPresent())
                return LocalDateTime.parse(s, pattern.get()).atZone(zone).toInstant();
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeException e) {
                return LocalDateTime.parse(s).atZone(zone).toInstant();
            }
        } catch (DateTimeException | ArithmeticException e) {
            throw unreadable(v, window, record, "an instant (ISO-8601, epoch seconds or milliseconds, or keep_in_window.pattern)");
        }
    }

    private SluiceException unreadable(JsonNode v, Window window, JsonNode record, String expected) {
        return new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "'" + field.text() + "' = " + excerpt(v) + " is not " + expected
                + ", so the record cannot be placed in window " + window + "; the window was not committed. Record: " + excerpt(record));
    }

    private static String excerpt(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
