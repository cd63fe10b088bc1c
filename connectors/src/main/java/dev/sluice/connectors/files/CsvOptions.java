package dev.sluice.connectors.files;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;

/**
 * How the {@code csv} sink lays out its cells.
 *
 * @param columns the columns, in order; empty to take the fields of each file's first record
 * @param neutralizeFormulas whether to put {@code '} before a text cell that begins with {@code =},
 *     {@code +}, {@code -}, {@code @}, a tab or a carriage return, so that a spreadsheet shows it as
 *     text instead of running it as a formula (CSV injection)
 */
public record CsvOptions(List<String> columns, boolean neutralizeFormulas) {
    public CsvOptions {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        var seen = new HashSet<String>();
        for (String c : columns)
            if (!seen.add(c))
                throw new IllegalArgumentException("column '" + c + "' is listed twice under columns");
    }

    /** Columns from each file's first record, no formula neutralising. */
    public static CsvOptions defaults() {
        return new CsvOptions(List.of(), false);
    }
}
