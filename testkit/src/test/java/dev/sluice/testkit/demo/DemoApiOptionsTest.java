package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DemoApiOptionsTest {
    private final DemoApiOptions defaults = DemoApiOptions.defaults();

    @Test
    void defaults_are_100_000_records_a_minute_apart_from_2025_without_auth_or_limits() {
        assertThat(defaults.start()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(defaults.spacing()).isEqualTo(Duration.ofMinutes(1));
        assertThat(defaults.count()).isEqualTo(100_000);
        assertThat(defaults.auth()).isEqualTo(AuthMode.NONE);
        assertThat(defaults.rateLimit()).isZero();
        assertThat(defaults.latency()).isZero();
        assertThat(defaults.maxPageSize()).isEqualTo(1000);
    }

    @Test
    void a_wither_changes_only_its_component() {
        assertThat(defaults.withSeed(9)).isEqualTo(new DemoApiOptions(defaults.port(), 9, defaults.start(), defaults.spacing(),
                defaults.count(), defaults.auth(), defaults.rateLimit(), defaults.latency(), defaults.maxPageSize(),
                defaults.tokenLifetime(), defaults.audience(), defaults.clock(), defaults.profile()));
    }

    @Test
    void a_zero_spacing_is_refused() {
        assertThatThrownBy(() -> defaults.withSpacing(Duration.ZERO)).hasMessage("spacing must be > 0, e.g. 1m, got PT0S");
    }

    @Test
    void a_range_beyond_what_nanoseconds_hold_is_refused() {
        assertThatThrownBy(() -> defaults.withSpacing(Duration.ofDays(365)).withCount(300))
                .hasMessageStartingWith("count x spacing must be less than 292 years");
    }

    @Test
    void a_negative_rate_limit_is_refused() {
        assertThatThrownBy(() -> defaults.withRateLimit(-1)).hasMessage("rateLimit must be >= 0 (0 = no limit), got -1");
    }

    @Test
    void auth_mode_reads_the_command_line_names() {
        assertThat(AuthMode.parse("api_key_header")).isEqualTo(AuthMode.API_KEY_HEADER);
        assertThat(AuthMode.parse("api-key-query")).isEqualTo(AuthMode.API_KEY_QUERY);
        assertThat(AuthMode.parse("OAuth2")).isEqualTo(AuthMode.OAUTH2);
    }

    @Test
    void an_unknown_auth_mode_names_the_known_ones() {
        assertThatThrownBy(() -> AuthMode.parse("kerberos")).hasMessage(
                "unknown auth mode 'kerberos'; use one of none, bearer, api_key_header, api_key_query, basic, cookie, oauth2");
    }

    @Test
    void the_server_listens_on_the_loopback_address() throws Exception {
        try (var api = DemoApi.start(defaults)) {
            assertThat(api.baseUri().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
        }
    }
}
