package dev.sluice.connectors.files;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkProvider;

/**
 * {@code sink: {type: jsonl}}: one JSON Lines file per window, or per window and value of a field, or
 * per value of a field across windows.
 *
 * <pre>
 * sink:
 *   type: jsonl
 *   path: out/orders        # the folder; relative to the pipeline file's folder; required
 *   partition_by: lot       # optional: one file per value, in folders lot=&lt;value&gt;
 *   file_per: window        # window (default): files per window; partition: one file per value, every window's rows
 *   replace_by: record_id   # optional, file_per: partition only: a key's rows come from the last window holding it
 * </pre>
 *
 * See {@link FileSink} for the layout and how a window's files are committed.
 */
public final class JsonlSinkProvider implements SinkProvider {
    @Override
    public String type() {
        return "jsonl";
    }

    @Override
    public Sink bind(ConfigObject config) {
        FileSinkConfig files = FileSinkBinding.bind(config, "out/orders");
        config.finish();
        return FileSink.jsonl(files);
    }
}
