package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.failure;
import static dev.sluice.connectors.steps.StepFixture.loadError;
import static dev.sluice.connectors.steps.StepFixture.run;
import static dev.sluice.connectors.steps.StepFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.Step;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** timezone: times read in one zone (or with their own offset) and written as local time in another. */
class TimezoneStepTest {
    private static final String EASTERN = "- {type: timezone, fields: [t], from: UTC, to: America/New_York, format: \"M/d/yyyy H:mm\"}";

    @TempDir
    Path dir;

    private String eastern(String value) throws Exception {
        Step s = step(dir, EASTERN);
        return StepFixture.json(run(s, "{\"t\": " + value + "}").getFirst()).get("t").asString();
    }

    @Test
    void seed_000_formats_capture_times_in_eastern_time_on_the_day_dst_starts() throws Exception {
        assertThat(eastern("\"2024-03-10T07:30:00Z\"")).isEqualTo("3/10/2024 3:30");
    }

    @Test
    void the_last_minute_before_dst_starts_is_still_standard_time() throws Exception {
        assertThat(eastern("\"2024-03-10T06:59:00Z\"")).isEqualTo("3/10/2024 1:59");
        assertThat(eastern("\"2024-03-10T07:00:00Z\"")).isEqualTo("3/10/2024 3:00");
    }

    @Test
    void the_hour_repeated_when_dst_ends_is_written_twice() throws Exception {
        assertThat(eastern("\"2024-11-03T05:30:00Z\"")).isEqualTo("11/3/2024 1:30"); // EDT
        assertThat(eastern("\"2024-11-03T06:30:00Z\"")).isEqualTo("11/3/2024 1:30"); // EST
        assertThat(eastern("\"2024-11-03T07:30:00Z\"")).isEqualTo("11/3/2024 2:30");
    }

    @Test
    void offsets_epoch_milliseconds_and_local_times_are_read() throws Exception {
        assertThat(eastern("\"2024-03-10T07:30:00+01:00\"")).isEqualTo("3/10/2024 1:30");
        assertThat(eastern("1710055800000")).isEqualTo("3/10/2024 3:30");
        assertThat(eastern("\"2024-03-10T07:30:00\"")).isEqualTo("3/10/2024 3:30"); // local, read in from: UTC
        assertThat(eastern("\"2024-03-10 07:30:00.123\"")).isEqualTo("3/10/2024 3:30");
    }

    @Test
    void a_local_time_skipped_by_dst_in_the_from_zone_moves_forward_by_the_gap() throws Exception {
        Step s = step(dir, "- {type: timezone, fields: [t], from: America/New_York, to: UTC}");

        assertThat(run(s, "{\"t\": \"2024-03-10T02:30:00\"}")).containsExactly("{\"t\":\"2024-03-10T07:30:00Z\"}");
    }

    @Test
    void a_local_time_repeated_by_dst_in_the_from_zone_takes_the_earlier_offset() throws Exception {
        Step s = step(dir, "- {type: timezone, fields: [t], from: America/New_York, to: UTC}");

        assertThat(run(s, "{\"t\": \"2024-11-03T01:30:00\"}")).containsExactly("{\"t\":\"2024-11-03T05:30:00Z\"}");
    }

    @Test
    void iso_output_carries_the_offset_of_the_target_zone() throws Exception {
        Step s = step(dir, "- {type: timezone, fields: [a, b], to: Europe/Paris}");

        assertThat(run(s, "{\"a\": \"2024-03-31T00:30:00Z\", \"b\": \"2024-03-31T01:30:00Z\"}"))
                .containsExactly("{\"a\":\"2024-03-31T01:30:00+01:00\",\"b\":\"2024-03-31T03:30:00+02:00\"}");
    }

    @Test
    void epoch_seconds_and_a_custom_input_pattern_are_read_when_asked_for() throws Exception {
        Step seconds = step(dir, "- {type: timezone, fields: [t], input: epoch, to: UTC}");
        assertThat(run(seconds, "{\"t\": 1710055800}")).containsExactly("{\"t\":\"2024-03-10T07:30:00Z\"}");

        Step pattern = step(dir, "- {type: timezone, fields: [t], input: \"dd.MM.yyyy HH:mm\", from: Europe/Berlin, to: UTC}");
        assertThat(run(pattern, "{\"t\": \"10.03.2024 08:30\"}")).containsExactly("{\"t\":\"2024-03-10T07:30:00Z\"}");
    }

    @Test
    void a_missing_or_null_field_is_left_as_it_is() throws Exception {
        Step s = step(dir, "- {type: timezone, fields: [t, meta.t], to: UTC}");

        assertThat(run(s, "{\"t\": null}", "{\"x\": 1}")).containsExactly("{\"t\":null}", "{\"x\":1}");
    }

    @Test
    void a_value_that_is_not_a_time_fails_the_window_naming_the_field() throws Exception {
        Step s = step(dir, EASTERN);

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> run(s, "{\"t\": \"yesterday\"}"));

        assertThat(e.getMessage()).contains("step 'timezone-1'", "field 't' is \"yesterday\"", "not a time");
    }

    @Test
    void a_bad_pattern_or_zone_is_a_load_error() {
        String message = loadError(dir, "- {type: timezone, fields: [t], to: Mars/Olympus, format: \"M/d/yyyy {\"}");

        assertThat(message).contains("steps[0].to: 'Mars/Olympus' is not an IANA time zone", "steps[0].format: 'M/d/yyyy {' is not a date-time pattern");
    }
}
