package dev.sluice.connectors.ids;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceProvider;
import dev.sluice.core.window.CursorKind;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code source: {type: ids}}: the ids of each id window, one record each, for pipelines whose
 * steps fetch the entities by id.
 *
 * <pre>
 * windows: {cursor: id, start: 1, end: 60001, size: 100}
 * source:
 *   type: ids
 *   field: id          # the field holding the id; default id
 *   page_size: 1000    # records per page; default 1000
 * </pre>
 */
public final class IdRangeSourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "ids";
    }

    @Override
    public Set<CursorKind> cursors() {
        return EnumSet.of(CursorKind.ID);
    }

    @Override
    public Source bind(ConfigObject config, CursorKind cursor) {
        config.has("type"); // chose this provider
        String field = config.string("field").orElse("id");
        if (field.isBlank())
            config.problem("field", "must name the field that holds each id, e.g. field: productionRecordId");
        int pageSize = config.integer("page_size", 1, 1_000_000).map(Long::intValue).orElse(1000);
        config.finish();
        return new IdRangeSource(field, pageSize);
    }
}
