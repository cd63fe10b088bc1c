package dev.sluice.connectors.steps;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.net.URLClassLoader;
import java.time.Instant;
import java.util.List;

/**
 * A step class named in the pipeline file. Passes every call through; an unchecked exception of the
 * class that is not a {@link SluiceException} fails the window with STEP_FAILED naming the step, the
 * class and the window. Closing it closes the class's jar.
 */
final class JavaStep implements Step {
    private final String name;
    private final String className;
    private final Step delegate;
    private final URLClassLoader loader;

    JavaStep(String name, String className, Step delegate, URLClassLoader loader) {
        this.name = requireNonNull(name, "name is null");
        this.className = requireNonNull(className, "className is null");
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.loader = loader;
    }

    /** The step object the pipeline file named. */
    Step delegate() {
        return delegate;
    }

    @Override
    public void open(StepContext context) throws IOException {
        try {
            delegate.open(context);
        } catch (RuntimeException e) {
            throw wrapped("open", null, e);
        }
    }

    @Override
    public StepResult apply(Window window, List<DataRecord> records) throws IOException {
        try {
            return delegate.apply(window, records);
        } catch (RuntimeException e) {
            throw wrapped("apply", window, e);
        }
    }

    @Override
    public void commit(Window window) throws IOException {
        try {
            delegate.commit(window);
        } catch (RuntimeException e) {
            throw wrapped("commit", window, e);
        }
    }

    @Override
    public void discard(Window window) {
        try {
            delegate.discard(window);
        } catch (RuntimeException e) {
            // discard never throws: the window has failed already
        }
    }

    @Override
    public long purge(StepContext context, Instant before, boolean dryRun) throws IOException {
        try {
            return delegate.purge(context, before, dryRun);
        } catch (RuntimeException e) {
            throw wrapped("purge", null, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            delegate.close();
        } finally {
            JavaStepProvider.closeQuietly(loader);
        }
    }

    private RuntimeException wrapped(String call, Window window, RuntimeException e) {
        if (e instanceof SluiceException)
            return e;
        return new SluiceException(ErrorCode.STEP_FAILED, "step '" + name + "' (" + className + ") failed in " + call
                + (window == null ? "" : " of window " + window) + ": " + e, e);
    }

    @Override
    public String toString() {
        return "step '" + name + "' (" + className + ")";
    }
}
