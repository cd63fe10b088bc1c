package dev.sluice.core.spi;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.window.CursorKind;

/**
 * A family of sources, found with {@link java.util.ServiceLoader}. {@link #bind} reads the
 * {@code source:} section of a pipeline file, reports every problem to it, and does no I/O.
 */
public interface SourceProvider {
    /** The value of {@code source.type} that selects this provider. */
    String type();

    /** Which cursors this source can read windows of. */
    java.util.Set<CursorKind> cursors();

    Source bind(ConfigObject config, CursorKind cursor);
}
