package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.util.Optional;

/**
 * {@code {type: filter, where: "!performed_by.startsWith('VOD_')"}}: keeps the records for which the
 * CEL condition is true and leaves out the others, counted as rejected in the ledger. The condition
 * must give true or false; see {@link Expression} for the language.
 */
public final class FilterStepProvider implements StepProvider {
    @Override
    public String type() {
        return "filter";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        String where = config.required("where", "\"status != 'cancelled'\"");
        if (where == null)
            return null;
        Optional<Expression> condition = Expression.compile(where, Expression.Result.BOOL, m -> config.problem("where", m));
        if (condition.isEmpty())
            return null;
        Expression e = condition.get();
        return new RecordStep(name, (window, record, out) -> {
            boolean keep;
            try {
                keep = e.test(record, window);
            } catch (Expression.Failure f) {
                throw StepFailure.invalidData(name, window, "where " + e + ": " + f.getMessage());
            }
            if (keep)
                out.emit(record);
            else
                out.reject();
        });
    }
}
