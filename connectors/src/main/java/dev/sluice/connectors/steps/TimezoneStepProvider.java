package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {type: timezone, fields: [capture_time], from: UTC, to: America/New_York, format: "M/d/yyyy H:mm"}}:
 * reads each field as a point in time and writes it again as local time in {@code to}. Inputs
 * ({@code input: auto}): ISO-8601 instants and offset date-times (their own offset counts), local
 * date-times and dates (read in {@code from}), and whole numbers as epoch milliseconds. A local time
 * that a DST change skips is moved forward by the length of the gap; one that occurs twice takes the
 * earlier offset. A missing or null field is left as it is; a value that is not a time fails the window.
 */
public final class TimezoneStepProvider implements StepProvider {
    private static final Pattern DIGITS = Pattern.compile("-?\\d+");
    private static final Pattern SPACED = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d.*");

    @Override
    public String type() {
        return "timezone";
    }

    /** How a field's value is read. */
    private sealed interface Input {
        record Auto() implements Input { }
        record Epoch(boolean millis) implements Input { }
        record Formatted(DateTimeFormatter formatter) implements Input { }
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        Optional<List<FieldPath>> fields = FieldBinding.paths(config, "fields", "[capture_time]");
        ZoneId from = config.zone("from").orElse(ZoneOffset.UTC);
        Optional<ZoneId> to = config.zone("to");
        if (!config.has("to"))
            config.problem("missing required key 'to': the time zone to write times in, e.g. to: America/New_York");
        Optional<DateTimeFormatter> format = Optional.empty();
        String formatText = config.string("format").orElse("iso");
        boolean ok = true;
        if (!formatText.equals("iso")) {
            format = formatter(formatText);
            if (format.isEmpty()) {
                config.problem("format", "'" + formatText + "' is not a date-time pattern; use iso or a java.time pattern such as "
                        + "\"M/d/yyyy H:mm\" or \"yyyy-MM-dd HH:mm:ss\"");
                ok = false;
            }
        }
        String inputText = config.string("input").orElse("auto");
        Input input = switch (inputText) {
            case "auto" -> new Input.Auto();
            case "epoch" -> new Input.Epoch(false);
            case "epoch_ms" -> new Input.Epoch(true);
            default -> formatter(inputText).<Input>map(Input.Formatted::new).orElseGet(() -> {
                config.problem("input", "'" + inputText + "' is not valid; use auto, epoch, epoch_ms or a java.time pattern such as "
                        + "\"dd.MM.yyyy HH:mm\"");
                return null;
            });
        };
        if (fields.isEmpty() || to.isEmpty() || input == null || !ok)
            return null;
        List<FieldPath> paths = fields.get();
        ZoneId target = to.get();
        Optional<DateTimeFormatter> out = format;
        return new RecordStep(name, (window, record, output) -> {
            if (paths.stream().allMatch(p -> p.find(record).filter(v -> !v.isNull()).isEmpty())) {
                output.emit(record);
                return;
            }
            ObjectNode copy = record.deepCopy();
            for (FieldPath p : paths) {
                Optional<JsonNode> v = p.find(copy);
                if (v.isEmpty() || v.get().isNull())
                    continue;
                Instant t = read(v.get(), input, from).orElseThrow(() -> StepFailure.invalidData(name, window, "field '" + p + "' is "
                        + shown(v.get()) + ", which is not a time " + expected(input) + "; set input: to read it"));
                ZonedDateTime local = t.atZone(target);
                String text = out.map(f -> f.format(local)).orElseGet(() -> DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(local));
                p.set(copy, JsonNodeFactory.instance.stringNode(text));
            }
            output.emit(copy);
        });
    }

    private static Optional<DateTimeFormatter> formatter(String pattern) {
        try {
            return Optional.of(DateTimeFormatter.ofPattern(pattern, Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static String expected(Input input) {
        return switch (input) {
            case Input.Auto a -> "(ISO-8601, such as 2024-03-10T07:30:00Z, or epoch milliseconds)";
            case Input.Epoch e -> e.millis() ? "in epoch milliseconds" : "in epoch seconds";
            case Input.Formatted p -> "in the pattern " + p.formatter();
        };
    }

    /** The instant a value stands for; empty when it is not one. */
    static Optional<Instant> read(JsonNode v, Input input, ZoneId from) {
        try {
            return switch (input) {
                case Input.Auto a -> auto(v, from);
                case Input.Epoch e -> epoch(v, e.millis());
                case Input.Formatted p -> v.isString() ? Optional.of(parsed(p.formatter().parse(v.stringValue().strip()), from)) : Optional.empty();
            };
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> auto(JsonNode v, ZoneId from) {
        if (v.isIntegralNumber())
            return epoch(v, true);
        if (!v.isString())
            return Optional.empty();
        String s = v.stringValue().strip();
        if (DIGITS.matcher(s).matches())
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(s)));
        if (SPACED.matcher(s).matches())
            s = s.replaceFirst(" ", "T");
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeException notOffset) {
            // next form
        }
        try {
            return Optional.of(ZonedDateTime.parse(s).toInstant());
        } catch (DateTimeException notZoned) {
            // next form
        }
        try {
            return Optional.of(ZonedDateTime.ofLocal(LocalDateTime.parse(s), from, null).toInstant());
        } catch (DateTimeException notLocal) {
            // next form
        }
        return Optional.of(LocalDate.parse(s).atStartOfDay(from).toInstant());
    }

    private static Optional<Instant> epoch(JsonNode v, boolean millis) {
        BigDecimal n;
        if (v.isNumber())
            n = v.decimalValue();
        else if (v.isString())
            n = new BigDecimal(v.stringValue().strip());
        else
            return Optional.empty();
        BigDecimal nanos = n.movePointRight(millis ? 6 : 9);
        BigDecimal[] parts = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
        return Optional.of(Instant.ofEpochSecond(parts[0].longValueExact(), parts[1].longValue()));
    }

    /** A parsed text as an instant: its own offset or zone if it has one, else local time in {@code from}. */
    private static Instant parsed(TemporalAccessor t, ZoneId from) {
        if (t.isSupported(ChronoField.OFFSET_SECONDS) && t.isSupported(ChronoField.EPOCH_DAY) && t.isSupported(ChronoField.NANO_OF_DAY))
            return OffsetDateTime.from(t).toInstant();
        if (t.isSupported(ChronoField.NANO_OF_DAY))
            return ZonedDateTime.ofLocal(LocalDateTime.from(t), java.time.temporal.TemporalQueries.zone().queryFrom(t) != null
                    ? java.time.temporal.TemporalQueries.zone().queryFrom(t) : from, null).toInstant();
        return LocalDate.from(t).atStartOfDay(from).toInstant();
    }
}
