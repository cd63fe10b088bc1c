package dev.sluice.connectors.files;

import dev.sluice.connectors.files.FileSinkConfig.FilePer;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * {@code sink: {type: csv}}: one CSV file per window, or per window and value of a field, or per value
 * of a field across windows.
 *
 * <pre>
 * sink:
 *   type: csv
 *   path: out/orders            # the folder; relative to the pipeline file's folder; required
 *   partition_by: lot           # optional: one file per value, in folders lot=&lt;value&gt;
 *   file_per: window            # window (default): files per window; partition: one file per value, every window's rows
 *   replace_by: record_id       # optional, file_per: partition only: a key's rows come from the last window holding it
 *   columns: [id, ts, value]    # the columns in order; default: the fields of each file's first record;
 *                               # required with file_per: partition
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
        Optional<List<String>> given = config.strings("columns");
        List<String> columns = given.orElse(List.of());
        var seen = new HashSet<String>();
        for (String c : columns) {
            if (!seen.add(c)) {
                config.problem("columns", "column '" + c + "' is listed twice; list each column once");
                columns = List.of();
                break;
            }
        }
        if (files.filePer() == FilePer.PARTITION && columns.isEmpty()) {
            if (given.map(List::isEmpty).orElse(true)) // else a column listed twice, reported above
                config.problem("file_per", FileSink.CSV_NEEDS_COLUMNS);
            files = new FileSinkConfig(files.dir(), files.partitionBy()); // consistent, to go on binding; the load fails
        }
        boolean neutralize = config.bool("neutralize_formulas").orElse(false);
        config.finish();
        return FileSink.csv(files, new CsvOptions(columns, neutralize));
    }
}
