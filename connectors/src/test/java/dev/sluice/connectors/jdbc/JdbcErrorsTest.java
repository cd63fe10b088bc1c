package dev.sluice.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.Secret;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One reading of SQLStates for the source and the sink: what fails every time, and what the next run may pass. */
class JdbcErrorsTest {
    private final JdbcConnection connection = new JdbcConnection("db", "jdbc:postgresql://127.0.0.1/x", Optional.empty(),
            Optional.of(new Secret("s3cret-pw")), Map.of(), Optional.empty(), Optional.empty(), 1,
            Duration.ofSeconds(1));

    @ParameterizedTest(name = "SQLState {0} in a sink is {1}")
    @CsvSource({
            "23505, SINK_REJECTED",     // unique violation: the same rows fail again
            "42P01, SINK_REJECTED",     // no such table
            "22P02, SINK_REJECTED",     // bad value
            "28P01, SINK_REJECTED",     // login refused
            "40P01, SINK_UNAVAILABLE",  // deadlock: the next run may pass
            "40001, SINK_UNAVAILABLE",  // serialization failure
            "57014, SINK_UNAVAILABLE",  // statement cancelled (timeout)
            "08006, SINK_UNAVAILABLE",  // connection broken
            "53300, SINK_UNAVAILABLE"}) // too many connections
    void a_sink_error_is_coded_by_its_sqlstate_class(String state, ErrorCode expected) {
        assertThat(JdbcErrors.sink(connection, "writing", new SQLException("boom", state)).code()).isEqualTo(expected);
    }

    @Test
    void a_sink_error_keeps_the_database_message_and_sqlstate_without_the_password() {
        var e = JdbcErrors.sink(connection, "writing window w", new SQLException("password s3cret-pw was refused", "28P01"));
        assertThat(e.getMessage()).isEqualTo("writing window w: password *** was refused (SQLState 28P01)");
    }
}
