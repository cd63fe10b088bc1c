package dev.sluice.it;

import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkContext;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A hand-written sink that keeps each window's committed records in memory; a re-commit replaces them. */
final class MemorySink implements Sink {
    final Map<Window, List<DataRecord>> committed = new ConcurrentHashMap<>();

    @Override
    public void open(SinkContext context) {
    }

    @Override
    public WindowWriter begin(Window window) {
        var staged = new ArrayList<DataRecord>();
        return new WindowWriter() {
            @Override
            public void write(DataRecord record) {
                staged.add(record);
            }

            @Override
            public void commit() {
                committed.put(window, List.copyOf(staged));
            }

            @Override
            public void close() {
                staged.clear();
            }
        };
    }

    @Override
    public void close() {
    }
}
