package dev.sluice.connectors.files;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkProvider;
import java.util.HashSet;
import java.util.List;

/**
 * {@code sink: {type: csv}}: one CSV file per window, or per window and value of a field.
 *
 * <pre>
 * sink:
 *   type: csv
 *   path: out/orders            # the folder; relative to the pipeline file's folder; required
 *   partition_by: lot           # optional: one file per value, in folders lot=&lt;value&gt;
 *   columns: [id, ts, value]    # optional: the columns in order; default: the fields of each file's first record
 *   neutralize_formulas: false  # put ' before text cells beginning with = + - @ (CSV injection); default false
 * </pre>
 *
 * See {@link FileSink} for the layout and the commit, {@link CsvFormat} for the cells.
 */
public final class CsvSinkProvider implements SinkProvider {
    @Override
    public String type() {
        return "csv";
    }

    @Override
    public Sink bind(ConfigObject config) {
        FileSinkConfig files = FileSinkBinding.bind(config, "out/orders");
        List<String> columns = config.strings("columns").orElse(List.of());
        var seen = new HashSet<String>();
        for (String c : columns) {
            if (!seen.add(c)) {
                config.problem("columns", "column '" + c + "' is listed twice; list each column once");
                columns = List.of();
                break;
            }
        }
        boolean neutralize = config.bool("neutralize_formulas").orElse(false);
        config.finish();
        return FileSink.csv(files, new CsvOptions(columns, neutralize));
    }
}
