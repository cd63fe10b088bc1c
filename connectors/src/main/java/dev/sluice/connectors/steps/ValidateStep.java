package dev.sluice.connectors.steps;

import static java.util.Objects.requireNonNull;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks each record against a JSON Schema. An invalid record fails the window, is left out (counted
 * as rejected), or is left out, counted and written as a dead letter, which the step makes durable
 * when the runner commits the window.
 */
final class ValidateStep implements Step {
    static final int REASONS_SHOWN = 5;

    private final String name;
    private final Schema schema;
    private final ValidateStepProvider.OnInvalid onInvalid;
    private final Optional<FieldPath> key;
    private final Optional<DeadLetters> deadLetters;
    /** Records seen per window in progress: the position of a record in its window, counted from 1. */
    private final Map<Window, AtomicLong> positions = new ConcurrentHashMap<>();
    private volatile StepContext context;

    ValidateStep(String name, Schema schema, ValidateStepProvider.OnInvalid onInvalid, Optional<FieldPath> key, Optional<DeadLetters> deadLetters) {
        this.name = requireNonNull(name, "name is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.onInvalid = requireNonNull(onInvalid, "onInvalid is null");
        this.key = requireNonNull(key, "key is null");
        this.deadLetters = requireNonNull(deadLetters, "deadLetters is null");
    }

    @Override
    public void open(StepContext context) throws IOException {
        this.context = context;
        positions.clear();
        if (deadLetters.isPresent())
            deadLetters.get().open(context);
    }

    @Override
    public StepResult apply(Window window, List<DataRecord> records) throws IOException {
        AtomicLong position = positions.computeIfAbsent(window, w -> new AtomicLong());
        var out = new ArrayList<DataRecord>(records.size());
        long rejected = 0;
        for (DataRecord r : records) {
            long at = position.incrementAndGet();
            List<Error> errors = schema.validate(r.data());
            if (errors.isEmpty()) {
                out.add(r);
                continue;
            }
            List<String> reasons = errors.stream().map(Error::toString).toList();
            Optional<String> k = key.flatMap(p -> p.find(r.data())).map(v -> v.isString() ? v.stringValue() : v.toString());
            switch (onInvalid) {
                case FAIL -> throw new SluiceException(ErrorCode.STEP_INVALID_DATA, "step '" + name + "' in window " + window + ": record "
                        + at + " of the window" + k.map(x -> " (key " + x + ")").orElse("") + " does not match the schema: "
                        + String.join("; ", reasons.subList(0, Math.min(REASONS_SHOWN, reasons.size())))
                        + (reasons.size() > REASONS_SHOWN ? "; and " + (reasons.size() - REASONS_SHOWN) + " more" : "")
                        + "; fix the data or the schema, or set on_invalid: skip or dead_letter");
                case SKIP -> rejected++;
                case DEAD_LETTER -> {
                    rejected++;
                    deadLetters.orElseThrow().stage(new DeadLetter(context.pipeline(), name, window, at, k, reasons,
                            context.clock().instant(), r.data()));
                }
            }
        }
        return new StepResult(out, List.of(), rejected, 0);
    }

    @Override
    public void commit(Window window) throws IOException {
        positions.remove(window);
        if (deadLetters.isPresent())
            deadLetters.get().commit(window);
    }

    @Override
    public void discard(Window window) {
        positions.remove(window);
        deadLetters.ifPresent(d -> d.discard(window));
    }

    /** Removes the dead letters rejected before {@code before}; a step without dead letters keeps nothing. */
    @Override
    public long purge(StepContext context, Instant before, boolean dryRun) throws IOException {
        return deadLetters.isPresent() ? deadLetters.get().purge(context.pipeline(), before, dryRun) : 0;
    }

    @Override
    public void close() {
        positions.clear();
        deadLetters.ifPresent(DeadLetters::close);
    }

    @Override
    public String toString() {
        return "step '" + name + "'";
    }
}
