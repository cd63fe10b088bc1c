package dev.sluice.core.runner;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;

/**
 * A key that a window attempt recorded as failed: why (every step's failure, such as {@code "metadata:
 * Both API calls returned empty"}), the code of the first failure, and the error id it is on the books under.
 */
public record FailedKey(String key, String reason, ErrorCode code, String errorId) {
    public FailedKey {
        requireNonNull(key, "key is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(code, "code is null");
        requireNonNull(errorId, "errorId is null");
    }

    /**
     * Whether it failed because an API call failed after its retries (unavailable, refused, answered
     * nonsense), rather than because every request answered empty or a record did not fit.
     */
    public boolean requestFailed() {
        return switch (code) {
            case SOURCE_UNAVAILABLE, SOURCE_INVALID_DATA, SOURCE_REJECTED, SOURCE_AUTH_FAILED -> true;
            default -> false;
        };
    }
}
