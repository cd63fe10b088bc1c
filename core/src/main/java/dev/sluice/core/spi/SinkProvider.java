package dev.sluice.core.spi;

import dev.sluice.core.config.ConfigObject;

/**
 * A family of sinks, found with {@link java.util.ServiceLoader}. {@link #bind} reads the
 * {@code sink:} section of a pipeline file, reports every problem to it, and does no I/O.
 */
public interface SinkProvider {
    String type();

    Sink bind(ConfigObject config);
}
