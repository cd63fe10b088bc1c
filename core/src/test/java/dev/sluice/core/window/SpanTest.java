package dev.sluice.core.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpanTest {
    @ParameterizedTest(name = "{0} is {1} day(s) and {2}")
    @CsvSource({
            "1d2h30m20s, 1, PT2H30M20S",
            "3h, 0, PT3H",
            "90m, 0, PT1H30M",
            "250ms, 0, PT0.25S",
            "1d, 1, PT0S",
            "PT3H, 0, PT3H",
            "P1D, 1, PT0S",
            "P1DT6H, 1, PT6H",
            "pt15m, 0, PT15M",
    })
    void parses_compact_and_iso_forms(String text, long days, String time) {
        assertThat(Span.parse(text)).isEqualTo(new Span(days, Duration.parse(time)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "3x", "h3", "-1h", "5", "1h1d"})
    void refuses_text_that_is_not_a_duration_and_shows_both_forms(String text) {
        assertThatThrownBy(() -> Span.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1d2h30m20s").hasMessageContaining("PT3H");
    }

    @ParameterizedTest
    @ValueSource(strings = {"P1M", "P1Y", "P2W"})
    void refuses_months_and_years_because_they_have_no_fixed_length(String text) {
        assertThatThrownBy(() -> Span.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("months and years");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1d2h30m20s", "3h", "15m", "2d"})
    void prints_back_in_the_compact_form(String text) {
        assertThat(Span.parse(text)).hasToString(text);
    }
}
