package dev.sluice.connectors.jdbc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Set;

/**
 * The {@code source:} section of a JDBC pipeline, bound and checked.
 *
 * @param name the statement's name, in errors and logs
 * @param query the statement, its named parameters turned into placeholders
 * @param fetchSize rows the driver fetches per round trip
 * @param pageSize records per page handed to the runner
 * @param zone the zone of date-times without zone, for reading them and for binding window bounds to them
 * @param jsonColumns labels of text columns to read as JSON
 * @param queryTimeout how long the database may take, handed to the driver's query timeout
 */
record JdbcSourceConfig(String name, NamedParameters query, int fetchSize, int pageSize, ZoneId zone, Set<String> jsonColumns,
                        Duration queryTimeout) {
    static final int DEFAULT_FETCH_SIZE = 1000;
    static final int DEFAULT_PAGE_SIZE = 1000;
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMinutes(30);

    JdbcSourceConfig {
        requireNonNull(name, "name is null");
        requireNonNull(query, "query is null");
        requireNonNull(zone, "zone is null");
        jsonColumns = Set.copyOf(jsonColumns);
        requireNonNull(queryTimeout, "queryTimeout is null");
        if (fetchSize < 1)
            throw new IllegalArgumentException("fetch_size must be at least 1, e.g. fetch_size: 1000");
        if (pageSize < 1)
            throw new IllegalArgumentException("page_size must be at least 1, e.g. page_size: 1000");
        if (queryTimeout.toSeconds() < 1)
            throw new IllegalArgumentException("query_timeout must be at least 1s, e.g. query_timeout: 30m");
    }
}
