package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The {@code sink:} section of an HTTP sink, bound and validated.
 *
 * @param request method, path, query and headers of every request; templates of window, batch and pipeline
 * @param body the body of every request, with the place of the records
 * @param mode how records become requests
 * @param batchSize the most records in one request of {@link Mode#BATCH}
 * @param onEmpty what a window without records sends
 * @param idempotencyHeader the header that carries each request's key; empty when disabled
 */
record HttpSinkConfig(RequestSpec request, BodyTemplate body, Mode mode, int batchSize, OnEmpty onEmpty,
                      Optional<String> idempotencyHeader, Template.TimeFormat time) {
    static final int DEFAULT_BATCH_SIZE = 500;
    static final int MAX_BATCH_SIZE = 1_000_000;
    static final String DEFAULT_IDEMPOTENCY_HEADER = "Idempotency-Key";

    /** How records become requests. */
    enum Mode {
        /** A request for every {@code batch_size} records, sent as soon as the batch is full, the rest at commit. */
        BATCH,
        /** One request per window, sent at commit, its records streamed from a temporary file. */
        WINDOW
    }

    /** What a window without records sends. */
    enum OnEmpty {
        /** One request whose records are an empty array. */
        SEND,
        /** Nothing. */
        SKIP
    }

    HttpSinkConfig {
        requireNonNull(request, "request is null");
        requireNonNull(body, "body is null");
        requireNonNull(mode, "mode is null");
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE)
            throw new IllegalArgumentException("batch_size must be between 1 and " + MAX_BATCH_SIZE + ", was " + batchSize);
        requireNonNull(onEmpty, "onEmpty is null");
        requireNonNull(idempotencyHeader, "idempotencyHeader is null");
        requireNonNull(time, "time is null");
    }
}
