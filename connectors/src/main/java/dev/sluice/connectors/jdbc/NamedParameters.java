package dev.sluice.connectors.jdbc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A statement with named parameters ({@code :window_start}) turned into the JDBC form with {@code ?}
 * placeholders, and the name of each placeholder in order. A name may appear several times; each
 * occurrence is its own placeholder. Values are always bound, never written into the text.
 *
 * <p>What is not SQL code is left alone: string literals ({@code '...'} with {@code ''}, and with
 * backslash escapes on MariaDB/MySQL and in PostgreSQL's {@code E'...'}), quoted identifiers
 * ({@code "..."}, {@code `...`}), comments ({@code --}, {@code /* *}{@code /}, nested on PostgreSQL, and
 * {@code #} on MariaDB/MySQL), PostgreSQL's {@code ::} casts and dollar-quoted strings
 * ({@code $$...$$}, {@code $tag$...$tag$}).
 *
 * @param sql the statement with a {@code ?} for every parameter
 * @param names the parameter of each {@code ?}, in order
 * @param strayPlaceholders how many lone {@code ?} the original text has outside quotes and comments:
 *     they would take values that the source does not give
 */
public record NamedParameters(String sql, List<String> names, int strayPlaceholders) {
    public NamedParameters {
        requireNonNull(sql, "sql is null");
        names = List.copyOf(names);
        if (strayPlaceholders < 0)
            throw new IllegalArgumentException("strayPlaceholders must not be negative");
    }

    /** The distinct names, in order of first use. */
    public Set<String> distinct() {
        return new LinkedHashSet<>(names);
    }

    public static NamedParameters parse(String text, SqlDialect dialect) {
        requireNonNull(text, "text is null");
        requireNonNull(dialect, "dialect is null");
        boolean mysql = dialect == SqlDialect.MARIADB;
        boolean postgres = dialect == SqlDialect.POSTGRESQL;
        var out = new StringBuilder(text.length());
        var names = new ArrayList<String>();
        int stray = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            char next = i + 1 < n ? text.charAt(i + 1) : '\0';
            int end;
            if (c == '\'') {
                boolean escaped = mysql || (!mysql && i > 0 && (text.charAt(i - 1) == 'E' || text.charAt(i - 1) == 'e')
                        && (i < 2 || !identifierPart(text.charAt(i - 2))));
                end = quoted(text, i, '\'', escaped);
            } else if (c == '"') {
                // On MariaDB "..." is a string (unless ANSI_QUOTES), with backslash escapes.
                end = quoted(text, i, '"', mysql);
            } else if (c == '`') {
                end = quoted(text, i, '`', false);
            } else if (c == '-' && next == '-' || c == '#' && mysql) {
                end = text.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && next == '*') {
                end = blockComment(text, i, postgres);
            } else if (c == '$' && !mysql && (i == 0 || !identifierPart(text.charAt(i - 1))) && (end = dollarQuoted(text, i)) > i) {
                // end was set by the condition
            } else if (c == ':' && next == ':') {
                end = i + 2;
                while (end < n && text.charAt(end) == ':')
                    end++;
            } else if (c == ':' && identifierStart(next)) {
                end = i + 2;
                while (end < n && identifierPart(text.charAt(end)) && text.charAt(end) != '$')
                    end++;
                names.add(text.substring(i + 1, end));
                out.append('?');
                i = end;
                continue;
            } else if (c == '?') {
                if (next == '?') { // PostgreSQL's JDBC driver reads ?? as a literal ?, e.g. for jsonb's ? operators
                    end = i + 2;
                } else {
                    stray++;
                    end = i + 1;
                }
            } else {
                end = i + 1;
            }
            out.append(text, i, end);
            i = end;
        }
        return new NamedParameters(out.toString(), names, stray);
    }

    /** The end (exclusive) of the quoted text starting at {@code start}; the rest of the text when unclosed. */
    private static int quoted(String text, int start, char quote, boolean backslash) {
        int n = text.length();
        int i = start + 1;
        while (i < n) {
            char c = text.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && text.charAt(i + 1) == quote)
                    i += 2; // a doubled quote stands for itself
                else
                    return i + 1;
            } else {
                i++;
            }
        }
        return n;
    }

    private static int blockComment(String text, int start, boolean nested) {
        int n = text.length();
        int depth = 1;
        int i = start + 2;
        while (i < n) {
            if (text.startsWith("*/", i)) {
                i += 2;
                if (--depth == 0)
                    return i;
            } else if (nested && text.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else {
                i++;
            }
        }
        return n;
    }

    /** The end of a dollar-quoted string at {@code start}, or {@code start} when there is none there. */
    private static int dollarQuoted(String text, int start) {
        int n = text.length();
        int i = start + 1;
        if (i < n && identifierStart(text.charAt(i))) {
            while (i < n && identifierPart(text.charAt(i)) && text.charAt(i) != '$')
                i++;
        }
        if (i >= n || text.charAt(i) != '$')
            return start; // $1 or a lone $: not a quote
        String tag = text.substring(start, i + 1);
        int close = text.indexOf(tag, i + 1);
        return close < 0 ? n : close + tag.length();
    }

    private static boolean identifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
