package dev.sluice.core.spi;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import java.util.Optional;

/**
 * What a step did for one key (a production record, a lot): it succeeded, with the request that
 * answered, or it failed, with the reason (such as "all requests returned empty") and an error code.
 */
public record KeyResult(String key, boolean succeeded, Optional<String> answeredBy, Optional<String> reason, Optional<ErrorCode> code) {
    public KeyResult {
        requireNonNull(key, "key is null");
        requireNonNull(answeredBy, "answeredBy is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(code, "code is null");
        if (!succeeded && (reason.isEmpty() || code.isEmpty()))
            throw new IllegalArgumentException("a failed key needs a reason and a code");
    }

    public static KeyResult succeeded(String key, String answeredBy) {
        return new KeyResult(key, true, Optional.of(answeredBy), Optional.empty(), Optional.empty());
    }

    public static KeyResult failed(String key, String reason, ErrorCode code) {
        return new KeyResult(key, false, Optional.empty(), Optional.of(reason), Optional.of(code));
    }
}
