package dev.sluice.connectors.files;

import static dev.sluice.connectors.files.FileSinkFixtures.W1;
import static dev.sluice.connectors.files.FileSinkFixtures.assertFailsWith;
import static dev.sluice.connectors.files.FileSinkFixtures.commitWindow;
import static dev.sluice.connectors.files.FileSinkFixtures.files;
import static dev.sluice.connectors.files.FileSinkFixtures.opened;
import static dev.sluice.connectors.files.FileSinkFixtures.outputs;
import static dev.sluice.connectors.files.FileSinkFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.sluice.core.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSinkTest {
    static final String W1_FILE = "20240501T100000Z_20240501T110000Z.csv";

    @TempDir
    Path dir;

    @Test
    void a_window_is_written_to_a_csv_file_named_after_the_window() {
        commitWindow(sink(CsvOptions.defaults()), W1, "{\"id\":1}");

        assertThat(outputs(dir)).containsExactly(W1_FILE);
    }

    @Test
    void the_header_is_the_fields_of_the_first_record_in_order() {
        commitWindow(sink(CsvOptions.defaults()), W1, "{\"b\":1,\"a\":2}", "{\"a\":3,\"b\":4}");

        assertThat(csv()).isEqualTo("b,a\r\n1,2\r\n4,3\r\n");
    }

    @Test
    void configured_columns_set_the_header_and_order_and_a_missing_field_is_an_empty_cell() {
        commitWindow(sink(new CsvOptions(List.of("id", "name", "qty"), false)), W1, "{\"qty\":5,\"id\":1}");

        assertThat(csv()).isEqualTo("id,name,qty\r\n1,,5\r\n");
    }

    @Test
    void a_field_that_is_not_a_column_fails_the_window_with_sink_rejected_naming_it() {
        var sink = sink(CsvOptions.defaults());

        assertFailsWith(ErrorCode.SINK_REJECTED, () -> commitWindow(sink, W1, "{\"id\":1}", "{\"id\":2,\"extra\":true}"));
        assertThatThrownBy(() -> commitWindow(sink, W1, "{\"id\":1}", "{\"id\":2,\"extra\":true}"))
                .hasMessageContaining("'extra'").hasMessageContaining("columns:").hasMessageContaining("[id, extra]");
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void commas_quotes_and_line_breaks_are_quoted_and_read_back_unchanged() {
        String[] tricky = {"a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", " padded ", "#hash", ""};
        var json = new StringBuilder("{");
        for (int i = 0; i < tricky.length; i++)
            json.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":")
                    .append(FileSinkFixtures.JSON.writeValueAsString(tricky[i]));
        commitWindow(sink(CsvOptions.defaults()), W1, json.append('}').toString());

        List<CsvRecord> rows = CsvReader.builder().ofCsvRecord(csv()).stream().toList();

        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).getFields()).containsExactly(tricky);
        assertThat(csv()).contains("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"");
    }

    @Test
    void a_header_from_tricky_field_names_is_quoted_too() {
        commitWindow(sink(CsvOptions.defaults()), W1, "{\"a,b\":1,\"c\\\"d\":2}");

        assertThat(csv()).isEqualTo("\"a,b\",\"c\"\"d\"\r\n1,2\r\n");
    }

    @Test
    void nested_objects_and_arrays_are_written_as_compact_json_text() {
        commitWindow(sink(CsvOptions.defaults()), W1, "{\"obj\":{ \"k\" : [1, 2] },\"arr\":[\"x\", null]}");

        List<CsvRecord> rows = CsvReader.builder().ofCsvRecord(csv()).stream().toList();

        assertThat(rows.get(1).getFields()).containsExactly("{\"k\":[1,2]}", "[\"x\",null]");
    }

    @Test
    void numbers_and_booleans_are_their_json_text_and_null_is_an_empty_cell() {
        commitWindow(sink(CsvOptions.defaults()), W1, "{\"i\":-5,\"d\":1.25,\"t\":true,\"f\":false,\"n\":null}");

        assertThat(csv()).isEqualTo("i,d,t,f,n\r\n-5,1.25,true,false,\r\n");
    }

    @Test
    void formulas_are_kept_as_they_are_by_default() {
        commitWindow(sink(CsvOptions.defaults()), W1, "{\"x\":\"=1+1\"}");

        assertThat(csv()).isEqualTo("x\r\n=1+1\r\n");
    }

    @Test
    void neutralize_formulas_puts_a_quote_before_text_that_a_spreadsheet_would_run() {
        var options = new CsvOptions(List.of("eq", "plus", "minus", "at", "tab", "cr", "plain", "number"), true);

        commitWindow(sink(options), W1,
                "{\"eq\":\"=HYPERLINK(\\\"http://x\\\")\",\"plus\":\"+1\",\"minus\":\"-1\",\"at\":\"@SUM(A1)\","
                        + "\"tab\":\"\\t=1\",\"cr\":\"\\r=1\",\"plain\":\"a=b\",\"number\":-5}");

        List<CsvRecord> rows = CsvReader.builder().ofCsvRecord(csv()).stream().toList();
        assertThat(rows.get(1).getFields())
                .containsExactly("'=HYPERLINK(\"http://x\")", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "'\r=1", "a=b", "-5");
    }

    @Test
    void neutralize_formulas_applies_to_header_cells_too() {
        commitWindow(sink(new CsvOptions(List.of(), true)), W1, "{\"=cmd\":1}");

        assertThat(csv()).isEqualTo("'=cmd\r\n1\r\n");
    }

    @Test
    void each_partition_file_has_its_own_header() {
        var sink = opened(FileSink.csv(FileSinkConfig.partitioned(dir, "lot"), CsvOptions.defaults()));

        commitWindow(sink, W1, "{\"lot\":\"A\",\"x\":1}", "{\"lot\":\"B\",\"y\":2}", "{\"lot\":\"A\",\"x\":3}");

        assertThat(read(dir.resolve("lot=A").resolve(W1_FILE))).isEqualTo("lot,x\r\nA,1\r\nA,3\r\n");
        assertThat(read(dir.resolve("lot=B").resolve(W1_FILE))).isEqualTo("lot,y\r\nB,2\r\n");
    }

    @Test
    void a_file_reopened_to_append_gets_no_second_header() {
        var sink = opened(FileSink.csv(FileSinkConfig.partitioned(dir, "lot"), CsvOptions.defaults()));
        var records = new java.util.ArrayList<String>();
        for (int round = 0; round < 2; round++)
            for (int lot = 0; lot <= FileSink.MAX_OPEN_FILES; lot++)
                records.add("{\"lot\":" + lot + ",\"round\":" + round + "}");

        commitWindow(sink, W1, records.toArray(String[]::new));

        assertThat(read(dir.resolve("lot=0").resolve(W1_FILE))).isEqualTo("lot,round\r\n0,0\r\n0,1\r\n");
    }

    @Test
    void duplicate_columns_are_refused() {
        assertThatThrownBy(() -> new CsvOptions(List.of("a", "b", "a"), false)).hasMessageContaining("'a' is listed twice");
    }

    private FileSink sink(CsvOptions options) {
        return opened(FileSink.csv(FileSinkConfig.of(dir), options));
    }

    private String csv() {
        return read(dir.resolve(W1_FILE));
    }
}
