package dev.sluice.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Named parameters become placeholders, and only where they are SQL code. */
class NamedParametersTest {

    private static NamedParameters pg(String sql) {
        return NamedParameters.parse(sql, SqlDialect.POSTGRESQL);
    }

    @Test
    void each_named_parameter_becomes_a_placeholder_in_order() {
        var p = pg("SELECT * FROM t WHERE ts >= :window_start AND ts < :window_end");

        assertThat(p.sql()).isEqualTo("SELECT * FROM t WHERE ts >= ? AND ts < ?");
        assertThat(p.names()).containsExactly("window_start", "window_end");
    }

    @Test
    void a_parameter_used_twice_is_bound_twice() {
        var p = pg("SELECT :window_start AS s FROM t WHERE a >= :window_start OR b < :window_end");

        assertThat(p.names()).containsExactly("window_start", "window_start", "window_end");
        assertThat(p.distinct()).containsExactly("window_start", "window_end");
    }

    @Test
    void names_inside_string_literals_with_doubled_quotes_are_left_alone() {
        var p = pg("SELECT 'it''s :window_start' AS a, :id_start");

        assertThat(p.sql()).isEqualTo("SELECT 'it''s :window_start' AS a, ?");
        assertThat(p.names()).containsExactly("id_start");
    }

    @Test
    void names_inside_quoted_identifiers_are_left_alone() {
        var p = NamedParameters.parse("SELECT \"a:b\", `c:d` FROM t WHERE x = :id_end", SqlDialect.OTHER);

        assertThat(p.sql()).isEqualTo("SELECT \"a:b\", `c:d` FROM t WHERE x = ?");
        assertThat(p.names()).containsExactly("id_end");
    }

    @Test
    void names_inside_comments_are_left_alone() {
        var p = pg("SELECT 1 -- :not_this\n/* nor :this /* nested :one */ still */ WHERE a = :id_start");

        assertThat(p.sql()).isEqualTo("SELECT 1 -- :not_this\n/* nor :this /* nested :one */ still */ WHERE a = ?");
        assertThat(p.names()).containsExactly("id_start");
    }

    @Test
    void a_hash_starts_a_comment_on_mariadb_only() {
        assertThat(NamedParameters.parse("SELECT 1 # :no\n, :id_start", SqlDialect.MARIADB).names()).containsExactly("id_start");
        assertThat(pg("SELECT 1 # :yes").names()).containsExactly("yes");
    }

    @Test
    void postgresql_casts_are_not_parameters() {
        var p = pg("SELECT '1'::int, x::timestamptz FROM t WHERE ts >= :window_start::timestamptz");

        assertThat(p.sql()).isEqualTo("SELECT '1'::int, x::timestamptz FROM t WHERE ts >= ?::timestamptz");
        assertThat(p.names()).containsExactly("window_start");
    }

    @Test
    void dollar_quoted_strings_are_left_alone() {
        var p = pg("SELECT $$ :a $$, $tag$ it's :b $x$ $tag$, $1 FROM t WHERE id >= :id_start");

        assertThat(p.sql()).isEqualTo("SELECT $$ :a $$, $tag$ it's :b $x$ $tag$, $1 FROM t WHERE id >= ?");
        assertThat(p.names()).containsExactly("id_start");
    }

    @Test
    void backslash_escapes_a_quote_in_mariadb_strings_and_postgresql_escape_strings() {
        assertThat(NamedParameters.parse("SELECT 'a\\' :no', \"b\\\" :no\", :id_start", SqlDialect.MARIADB).names()).containsExactly("id_start");
        assertThat(pg("SELECT E'a\\' :no', :id_start").names()).containsExactly("id_start");
        // In a standard PostgreSQL string a backslash is just a character.
        assertThat(pg("SELECT 'a\\', :id_start").names()).containsExactly("id_start");
    }

    @Test
    void a_colon_that_starts_no_name_stays() {
        var p = NamedParameters.parse("SELECT @v := 1, '10:30', a[1:2] FROM t", SqlDialect.MARIADB);

        assertThat(p.sql()).isEqualTo("SELECT @v := 1, '10:30', a[1:2] FROM t");
        assertThat(p.names()).isEmpty();
    }

    @Test
    void a_lone_question_mark_is_counted_and_a_doubled_one_is_not() {
        assertThat(pg("SELECT * FROM t WHERE a = ? AND b ?? 'k' AND c = '?'").strayPlaceholders()).isEqualTo(1);
    }
}
