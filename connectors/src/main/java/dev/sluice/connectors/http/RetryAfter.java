package dev.sluice.connectors.http;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads a Retry-After header: a number of seconds or an HTTP date (RFC 1123). */
final class RetryAfter {
    private RetryAfter() {
    }

    /** How long the server asks to wait from {@code now}; empty when the header is absent or unreadable. */
    static Optional<Duration> parse(Optional<String> header, Instant now) {
        if (header.isEmpty() || header.get().isBlank())
            return Optional.empty();
        String v = header.get().trim();
        try {
            if (Character.isDigit(v.charAt(0))) // some servers send fractions such as 0.5, against the RFC but harmless
                return Optional.of(Duration.ofMillis(new BigDecimal(v).movePointRight(3).longValue()));
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
