package dev.sluice.state;

import static dev.sluice.state.StateAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import org.junit.jupiter.api.Test;

/** Reading --state locations: what is accepted, and that a password never shows. */
class StateStoresTest {
    @Test
    void sqlite_location_is_made_absolute() {
        StateUrl url = StateUrl.parse("sqlite:relative/books.db");

        assertThat(url.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(url.file()).hasValueSatisfying(file -> {
            assertThat(file.isAbsolute()).isTrue();
            assertThat(file.endsWith("relative/books.db")).isTrue();
        });
        assertThat(url.description()).startsWith("sqlite:/").endsWith("relative/books.db");
    }

    @Test
    void sqlite_location_needs_a_path() {
        assertFailsWith(ErrorCode.CONFIG_INVALID, () -> StateUrl.parse("sqlite:")).hasMessageContaining("sqlite:PATH");
    }

    @Test
    void unknown_location_is_a_config_error_that_shows_no_password() {
        assertFailsWith(ErrorCode.CONFIG_INVALID, () -> StateUrl.parse("mysql://bob:hunter2@db/books?password=hunter2"))
                .hasMessageContaining("use sqlite:PATH")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void password_in_user_info_is_passed_on_but_never_described() {
        StateUrl url = StateUrl.parse("postgresql://bob:s%40cret@db.example:6543/books?sslmode=require");

        assertThat(url.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(url.user()).contains("bob");
        assertThat(url.password()).hasValueSatisfying(p -> assertThat(p.value()).isEqualTo("s@cret"));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/books?sslmode=require");
        assertThat(url.description()).isEqualTo("postgresql://bob@db.example:6543/books?sslmode=require");
        assertThat(url.endpoint()).isEqualTo("db.example:6543/books");
        assertThat(url.toString()).doesNotContain("s@cret").doesNotContain("s%40cret");
    }

    @Test
    void password_in_the_query_is_passed_on_but_never_described() {
        StateUrl url = StateUrl.parse("jdbc:postgresql://db.example/books?user=bob&password=hunter2&sslmode=require");

        assertThat(url.user()).contains("bob");
        assertThat(url.password()).hasValueSatisfying(p -> assertThat(p.value()).isEqualTo("hunter2"));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example/books?sslmode=require");
        assertThat(url.description()).isEqualTo("jdbc:postgresql://bob@db.example/books?sslmode=require");
        assertThat(url.endpoint()).isEqualTo("db.example:5432/books");
    }

    @Test
    void postgres_scheme_is_accepted_too() {
        assertThat(StateUrl.parse("postgres://db.example/books").jdbcUrl()).isEqualTo("jdbc:postgresql://db.example/books");
    }

    @Test
    void unreachable_postgres_is_unavailable_state_that_names_host_and_port_and_no_password() {
        assertFailsWith(ErrorCode.STATE_UNAVAILABLE,
                () -> StateStores.open("postgresql://bob:hunter2@127.0.0.1:1/books?connectTimeout=2"))
                .hasMessageContaining("127.0.0.1:1/books")
                .hasMessageContaining("check that the server is running")
                .hasMessageNotContaining("hunter2");
    }
}
