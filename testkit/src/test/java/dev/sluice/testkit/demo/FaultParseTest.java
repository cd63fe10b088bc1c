package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FaultParseTest {

    static Stream<Arguments> specs() {
        return Stream.of(
                Arguments.of("500x2@/cursor", Fault.status(500).times(2).at("/cursor")),
                Arguments.of("503", Fault.status(503)),
                Arguments.of("429", Fault.tooManyRequests(Duration.ofSeconds(1))),
                Arguments.of("429:2s", Fault.tooManyRequests(Duration.ofSeconds(2))),
                Arguments.of("429:date", Fault.tooManyRequestsWithDate(Duration.ofSeconds(1))),
                Arguments.of("429:date:1m", Fault.tooManyRequestsWithDate(Duration.ofMinutes(1))),
                Arguments.of("reset", Fault.reset()),
                Arguments.of("truncated", Fault.truncated()),
                Arguments.of("malformed,always", Fault.malformed().always()),
                Arguments.of("slow:200ms", Fault.slowBody(Duration.ofMillis(200))),
                Arguments.of("latency:50msx3", Fault.latency(Duration.ofMillis(50)).times(3)),
                Arguments.of("repeat-cursor@/link", Fault.repeatCursor().at("/link")),
                Arguments.of("503,every:3@/page", Fault.status(503).everyNth(3).at("/page")),
                Arguments.of("502x2,every:4", Fault.status(502).everyNth(4).times(2)),
                Arguments.of(" RESET ", Fault.reset()));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void parses_every_form_of_the_grammar(String spec, Fault expected) {
        assertThat(Fault.parse(spec)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void to_string_reads_back_as_the_same_fault(String spec, Fault fault) {
        assertThat(Fault.parse(fault.toString())).isEqualTo(fault);
    }

    @Test
    void a_path_prefix_keeps_its_case() {
        assertThat(Fault.parse("reset@/Cursor").pathPrefix()).contains("/Cursor");
    }

    @Test
    void an_unknown_fault_names_the_accepted_forms() {
        assertThatThrownBy(() -> Fault.parse("explode"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown fault 'explode'; use one of 500 (any status 400-599), 429, 429:2s")
                .hasMessageContaining("e.g. 503x2@/cursor");
    }

    @Test
    void a_bad_duration_says_how_to_write_one() {
        assertThatThrownBy(() -> Fault.parse("slow:fast"))
                .hasMessage("bad duration 'fast' in fault 'slow:fast'; use e.g. 200ms, 2s or 1m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"200", "302", "600"})
    void a_status_outside_400_to_599_is_refused(String spec) {
        assertThatThrownBy(() -> Fault.parse(spec)).hasMessage("bad fault '" + spec + "': a status must be 400 to 599");
    }

    @Test
    void a_prefix_must_start_with_a_slash() {
        assertThatThrownBy(() -> Fault.parse("500@cursor")).hasMessageContaining("must start with '/'");
    }

    @Test
    void a_count_and_always_together_are_refused() {
        assertThatThrownBy(() -> Fault.parse("500x2,always")).hasMessageContaining("'always' (without xN) or 'every:N'");
    }

    @Test
    void a_count_of_zero_is_refused() {
        assertThatThrownBy(() -> Fault.parse("500x0")).hasMessageContaining("must fire at least once");
    }
}
