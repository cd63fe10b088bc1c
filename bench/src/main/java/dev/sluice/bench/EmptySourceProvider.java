package dev.sluice.bench;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.spi.SourceProvider;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.Window;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code type: empty}: a source with no records, so that a benchmark measures the window machinery alone. */
public final class EmptySourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "empty";
    }

    @Override
    public Set<CursorKind> cursors() {
        return Set.of(CursorKind.values());
    }

    @Override
    public Source bind(ConfigObject config, CursorKind cursor) {
        config.finish();
        return new Source() {
            @Override
            public void open(SourceContext context) {
            }

            @Override
            public Page read(Window window, Optional<String> after) {
                return Page.last(List.of());
            }

            @Override
            public void close() {
            }
        };
    }
}
