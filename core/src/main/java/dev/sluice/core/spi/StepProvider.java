package dev.sluice.core.spi;

import dev.sluice.core.config.ConfigObject;

/**
 * A kind of step, found with {@link java.util.ServiceLoader}. {@link #bind} reads one item of the
 * {@code steps:} list of a pipeline file, reports every problem to it, and does no I/O.
 */
public interface StepProvider {
    /** The value of {@code type} that selects this provider. */
    String type();

    Step bind(ConfigObject config);
}
