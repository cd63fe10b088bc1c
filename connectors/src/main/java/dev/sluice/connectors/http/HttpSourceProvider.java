package dev.sluice.connectors.http;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceProvider;
import dev.sluice.core.window.CursorKind;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code source: {type: http}}: a REST API read in windows through a named connection. */
public final class HttpSourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "http";
    }

    @Override
    public Set<CursorKind> cursors() {
        return Set.of(CursorKind.TIME, CursorKind.ID, CursorKind.NONE);
    }

    @Override
    public Source bind(ConfigObject config, CursorKind cursor) {
        Optional<HttpConnection> connection = config.connection("connection", HttpConnection.class, HttpConnection::bind);
        if (!config.has("connection"))
            config.problem("missing required key 'connection': the name of an entry under connections:, e.g. connection: api");
        RequestSpec request = RequestSpec.bind(config, List.of("window", "page"));
        String recordsText = config.string("records").orElse("$[*]");
        Optional<RecordSelector> records = RecordSelector.parse(recordsText, m -> config.problem("records", m));
        Pagination pagination = Pagination.bind(config, "window");
        Template.TimeFormat time = timeFormat(config);
        Optional<WindowFilter> keep = WindowFilter.bind(config, time.zone());
        if (connection.isEmpty() || request == null || records.isEmpty())
            return null;
        return new HttpSource(connection.get(), request, pagination, records.get(), keep, time);
    }

    /** {@code time_format:} and {@code timezone:}: how window instants are written in requests. */
    static Template.TimeFormat timeFormat(ConfigObject config) {
        ZoneId zone = config.zone("timezone").orElse(ZoneOffset.UTC);
        Optional<String> format = config.string("time_format");
        if (format.isEmpty())
            return new Template.TimeFormat(Optional.empty(), Optional.empty(), zone);
        String f = format.get();
        if (List.of("iso", "epoch", "epoch_ms", "date").contains(f))
            return new Template.TimeFormat(Optional.of(f), Optional.empty(), zone);
        if (Template.validPattern(f))
            return new Template.TimeFormat(Optional.empty(), Optional.of(f), zone);
        config.problem("time_format", "'" + f + "' is not a time format; use iso, epoch, epoch_ms, date or a pattern such as yyyy-MM-dd HH:mm:ss");
        return new Template.TimeFormat(Optional.empty(), Optional.empty(), zone);
    }
}
