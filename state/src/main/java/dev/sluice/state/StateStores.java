package dev.sluice.state;

import dev.sluice.core.state.StateStore;
import java.time.Clock;

/** Opens the books named by a {@code --state} location. */
public final class StateStores {
    private StateStores() {}

    /**
     * Opens the state at {@code url}, bringing its schema up to date. {@code url} is {@code sqlite:PATH}
     * (the file and its directories are created on first use) or a PostgreSQL URL:
     * {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?user=…&password=…]}, or
     * {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE}.
     *
     * @throws dev.sluice.core.SluiceException {@code CONFIG_INVALID} for a location it cannot parse;
     *     {@code STATE_INCOMPATIBLE} for a damaged or foreign file, or a schema newer than this build;
     *     {@code STATE_UNAVAILABLE} when the file cannot be opened or the server cannot be reached
     */
    public static StateStore open(String url) {
        return open(url, Clock.systemUTC());
    }

    /** As {@link #open(String)}, with the clock that stamps the books and expires leases (tests move it). */
    public static StateStore open(String url, Clock clock) {
        return JdbcStateStore.open(StateUrl.parse(url), clock);
    }
}
