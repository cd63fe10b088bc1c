package dev.sluice.connectors.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeFileNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", ".", "a/b", "a\\b", "/etc/passwd", "C:\\x", ".hidden", "trailing.", "tab\there",
            "nul\u0000", "line\nbreak", "del\u007F", "100%", "a b", "~user", "*?<>|:\""})
    void a_value_becomes_one_safe_name_component(String value) {
        String name = SafeFileName.encode(value);

        assertThat(name).matches("[A-Za-z0-9._%-]+").doesNotStartWith(".").doesNotEndWith(".").isNotIn(".", "..");
        assertThat(SafeFileName.decode(name)).contains(value);
    }

    @Test
    void letters_digits_dashes_underscores_and_inner_dots_stay_readable() {
        assertThat(SafeFileName.encode("Lot_42-b.v2")).isEqualTo("Lot_42-b.v2");
    }

    @Test
    void traversal_and_separators_are_percent_encoded() {
        assertThat(SafeFileName.encode("../x")).isEqualTo("%2E.%2Fx");
        assertThat(SafeFileName.encode("a/b")).isEqualTo("a%2Fb");
        assertThat(SafeFileName.encode("a\\b")).isEqualTo("a%5Cb");
    }

    @Test
    void control_characters_are_percent_encoded() {
        assertThat(SafeFileName.encode("a\u0000b\nc\u001F")).isEqualTo("a%00b%0Ac%1F");
    }

    @Test
    void the_percent_sign_is_encoded_so_that_escapes_cannot_be_forged() {
        assertThat(SafeFileName.encode("%2F")).isEqualTo("%252F");
        assertThat(SafeFileName.encode("%null")).isNotEqualTo(SafeFileName.MISSING);
    }

    @Test
    void the_empty_string_and_a_missing_value_have_distinct_names() {
        assertThat(SafeFileName.encode("")).isEqualTo("%");
        assertThat(SafeFileName.encode(Optional.empty())).isEqualTo("%null");
        assertThat(SafeFileName.encode("null")).isEqualTo("null");
    }

    @Test
    void unicode_is_encoded_as_utf8_bytes() {
        assertThat(SafeFileName.encode("Zürich")).isEqualTo("Z%C3%BCrich");
        assertThat(SafeFileName.encode("😀")).isEqualTo("%F0%9F%98%80");
        assertThat(SafeFileName.decode("Z%C3%BCrich")).contains("Zürich");
    }

    @Test
    void a_lone_surrogate_gets_its_own_escape_instead_of_a_question_mark() {
        assertThat(SafeFileName.encode("\uD800")).isEqualTo("%uD800").isNotEqualTo(SafeFileName.encode("?"));
        assertThat(SafeFileName.decode("%uD800")).contains("\uD800");
    }

    @Test
    void a_very_long_value_is_cut_and_ends_with_a_hash_of_the_whole() {
        String a = "x".repeat(500) + "a";
        String b = "x".repeat(500) + "b";

        assertThat(SafeFileName.encode(a)).hasSizeLessThanOrEqualTo(SafeFileName.MAX_LENGTH).startsWith("x".repeat(100)).contains("%~");
        assertThat(SafeFileName.encode(a)).isNotEqualTo(SafeFileName.encode(b));
    }

    @Test
    void a_long_value_is_not_cut_in_the_middle_of_an_escape() {
        String name = SafeFileName.encode("é".repeat(200));

        assertThat(name.substring(0, name.indexOf("%~"))).matches("(%C3%A9)+");
    }

    @Test
    void a_value_right_at_the_limit_is_kept_whole() {
        String value = "y".repeat(SafeFileName.MAX_LENGTH);

        assertThat(SafeFileName.encode(value)).isEqualTo(value);
    }
}
