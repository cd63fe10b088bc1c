package dev.sluice.connectors.files;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SafeFileNamePropertyTest {

    @Property(tries = 2000)
    void distinct_values_get_distinct_names(@ForAll("tricky") String a, @ForAll("tricky") String b) {
        assertThat(SafeFileName.encode(a).equals(SafeFileName.encode(b))).isEqualTo(a.equals(b));
    }

    @Property(tries = 500)
    void distinct_long_values_get_distinct_names_after_cutting(@ForAll("longValues") String a, @ForAll("longValues") String b) {
        assertThat(SafeFileName.encode(a).equals(SafeFileName.encode(b))).isEqualTo(a.equals(b));
    }

    @Property(tries = 2000)
    void a_name_that_was_not_cut_decodes_to_its_value(@ForAll String value) {
        String name = SafeFileName.encode(value);

        if (!name.contains("%~"))
            assertThat(SafeFileName.decode(name)).contains(value);
    }

    @Property(tries = 2000)
    void every_name_is_a_short_safe_file_name_component(@ForAll String value) {
        String name = SafeFileName.encode(value);

        assertThat(name).matches("[A-Za-z0-9._%~-]+").hasSizeLessThanOrEqualTo(SafeFileName.MAX_LENGTH)
                .doesNotStartWith(".").doesNotEndWith(".").isNotEqualTo(SafeFileName.MISSING);
    }

    /** Short strings over the characters most likely to collide: dots, escapes, separators, case, surrogates. */
    @Provide
    Arbitrary<String> tricky() {
        return Arbitraries.strings().withChars('.', '%', '/', '\\', 'a', 'A', '2', 'E', 'F', 'u', '~', '\u0000', 'é', '\uD800', '\uDC00')
                .ofMaxLength(8);
    }

    /** Long strings that share long prefixes, so that only the part cut off tells them apart. */
    @Provide
    Arbitrary<String> longValues() {
        return Arbitraries.strings().withChars('x', '.', '%', 'é').ofMinLength(0).ofMaxLength(6)
                .map(tail -> "x".repeat(300) + tail);
    }
}
