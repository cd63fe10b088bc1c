package dev.sluice.core.state;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** Who holds a pipeline's lease and until when, as anyone may see it; unlike {@link Lease} it carries no token. */
public record LeaseHolder(String holder, Instant acquiredAt, Instant expiresAt) {
    public LeaseHolder {
        requireNonNull(holder, "holder is null");
        requireNonNull(acquiredAt, "acquiredAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }
}
