package dev.sluice.core;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one exception type of Sluice. Every instance has a stable {@link ErrorCode} and an error id that
 * the command prints, the ledger stores and a user can quote; the message says what went wrong and
 * what to do next.
 */
public class SluiceException extends RuntimeException {
    private final ErrorCode code;
    private final String errorId;
    private final String location;

    public SluiceException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public SluiceException(ErrorCode code, String message, Throwable cause) {
        this(code, message, null, cause);
    }

    public SluiceException(ErrorCode code, String message, String location, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
        this.location = location;
        this.errorId = newErrorId();
    }

    public ErrorCode code() {
        return code;
    }

    /** A short id, unique enough to find this error in logs, the ledger and the state store. */
    public String errorId() {
        return errorId;
    }

    /** Where the problem is, such as "pipeline.yaml line 3:7", when it is known. */
    public Optional<String> location() {
        return Optional.ofNullable(location);
    }

    public boolean retryable() {
        return code.retryable();
    }

    /** Wraps anything into a SluiceException, keeping one that already is. */
    public static SluiceException wrap(Throwable t, ErrorCode codeIfUnknown) {
        if (t instanceof SluiceException e)
            return e;
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new SluiceException(codeIfUnknown, message, t);
    }

    static String newErrorId() {
        long bits = ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFFFFFL;
        return "E-" + Long.toString(bits, 36).toUpperCase(Locale.ROOT);
    }
}
