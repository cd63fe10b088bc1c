package dev.sluice.core;

/**
 * Stable error codes. The code, not the message, is what scripts, the ledger and the API match on;
 * {@link Kind} says whose move it is: the user's (fix the input), an external system's (retry later),
 * or ours (a bug or a damaged state).
 */
public enum ErrorCode {
    CONFIG_INVALID(Kind.USER, false),
    USAGE(Kind.USER, false),
    SOURCE_UNAVAILABLE(Kind.EXTERNAL, true),
    SOURCE_INVALID_DATA(Kind.EXTERNAL, false),
    /**
     * The source answered, but refused the request (a 4xx other than 401/403/429; an SQL error of class 42
     * syntax or unknown name, 22 data, 23 constraint): the request is wrong.
     */
    SOURCE_REJECTED(Kind.USER, false),
    /** The source refused the credentials (401 or 403 after fetching a new token or session once; SQLState class 28). */
    SOURCE_AUTH_FAILED(Kind.USER, false),
    /** A dependent request (an enrichment step) failed for a record, with every fallback. */
    STEP_FAILED(Kind.EXTERNAL, true),
    /**
     * A record does not fit a transform step: a field an expression or a step needs is missing or of
     * another type, a time cannot be read, or a record fails its JSON Schema with on_invalid: fail.
     * Running again gives the same answer: fix the data or the step.
     */
    STEP_INVALID_DATA(Kind.EXTERNAL, false),
    SINK_UNAVAILABLE(Kind.EXTERNAL, true),
    SINK_REJECTED(Kind.USER, false),
    STATE_UNAVAILABLE(Kind.EXTERNAL, true),
    STATE_INCOMPATIBLE(Kind.USER, false),
    STATE_LEASE_HELD(Kind.USER, true),
    STATE_CONFLICT(Kind.INTERNAL, false),
    RUN_INTERRUPTED(Kind.EXTERNAL, true),
    INTERNAL(Kind.INTERNAL, false);

    public enum Kind { USER, EXTERNAL, INTERNAL }

    private final Kind kind;
    private final boolean retryable;

    ErrorCode(Kind kind, boolean retryable) {
        this.kind = kind;
        this.retryable = retryable;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return retryable;
    }
}
