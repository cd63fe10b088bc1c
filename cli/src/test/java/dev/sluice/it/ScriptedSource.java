package dev.sluice.it;

import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.json.JsonMapper;

/**
 * A hand-written source whose behaviour per window is scripted by the test: by default one page with
 * one record named after the window; a script can block, fail or return pages of its own.
 */
final class ScriptedSource implements Source {
    interface Script {
        Page read(Window window, Optional<String> after) throws IOException;
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    final Map<Window, Script> scripts = new ConcurrentHashMap<>();
    final List<Window> reads = new CopyOnWriteArrayList<>();

    static DataRecord record(String text) {
        return new DataRecord(JSON.createObjectNode().put("value", text));
    }

    @Override
    public void open(SourceContext context) {
    }

    @Override
    public Page read(Window window, Optional<String> after) throws IOException {
        if (after.isEmpty())
            reads.add(window);
        Script script = scripts.get(window);
        return script != null ? script.read(window, after) : Page.last(List.of(record(window.toString())));
    }

    @Override
    public void close() {
    }
}
