package dev.sluice.core.spi;

import dev.sluice.core.config.ConfigObject;

/**
 * A kind of step, found with {@link java.util.ServiceLoader}. {@link #bind} reads one item of the
 * {@code steps:} list of a pipeline file, reports every problem to it, and does no I/O.
 */
public interface StepProvider {
    /** The value of {@code type} that selects this provider. */
    String type();

    /**
     * Binds one step. {@code name} is the step's name as the runner uses it in messages and key
     * status: the item's {@code name:}, or {@code TYPE-N} by default.
     */
    Step bind(String name, ConfigObject config);
}
