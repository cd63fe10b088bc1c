package dev.sluice.connectors.http;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code steps: [{type: http}]}: a dependent request per record, with fallbacks, each request paged as its {@code pagination:} says. */
public final class HttpStepProvider implements StepProvider {
    private static final List<String> ROOTS = List.of("window", "record", "page");

    @Override
    public String type() {
        return "http";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        Optional<HttpConnection> connection = config.connection("connection", HttpConnection.class, HttpConnection::bind);
        if (!config.has("connection"))
            config.problem("missing required key 'connection': the name of an entry under connections:, e.g. connection: api");
        boolean ok = true;
        var attempts = new ArrayList<HttpStep.Attempt>();
        Optional<HttpStep.Attempt> primary = attempt(config, "primary");
        if (primary.isEmpty())
            ok = false;
        primary.ifPresent(attempts::add);
        for (ConfigObject f : config.objects("fallbacks").orElse(List.of())) {
            String label = f.string("name").orElse("fallback " + (attempts.size()));
            Optional<HttpStep.Attempt> a = attempt(f, label);
            f.finish();
            if (a.isEmpty())
                ok = false;
            a.ifPresent(attempts::add);
        }
        Optional<Template> key = config.string("key").map(k -> Template.parse(k, ROOTS, m -> config.problem("key", m)));
        HttpStep.Merge merge = config.choice("merge", HttpStep.Merge.class).orElse(HttpStep.Merge.OBJECT);
        Optional<String> into = config.string("into");
        HttpStep.OnFailure onFailure = config.choice("on_failure", HttpStep.OnFailure.class).orElse(HttpStep.OnFailure.FAIL_WINDOW);
        HttpStep.OnEmpty onEmpty = config.choice("on_empty", HttpStep.OnEmpty.class).orElse(HttpStep.OnEmpty.FAIL);
        Optional<String> emptyReason = config.string("empty_reason");
        if (config.blank("empty_reason") || emptyReason.filter(String::isBlank).isPresent())
            config.problem("empty_reason", "empty_reason needs a text, the reason a key fails when every request answered empty, "
                    + "e.g. empty_reason: \"Both API calls returned empty\"");
        if (emptyReason.isPresent() && onEmpty == HttpStep.OnEmpty.KEEP)
            config.problem("empty_reason", "with on_empty: keep a key whose requests all answered empty does not fail, so it has no reason; "
                    + "remove empty_reason, or on_empty: keep");
        if (onFailure == HttpStep.OnFailure.RECORD_KEY && !config.has("key"))
            config.problem("on_failure", "on_failure: record_key needs key: to name each record's key, e.g. key: \"{{ record.id }}\"");
        int cacheSize = config.integer("cache_size", 0, 10_000_000).orElse(10_000L).intValue();
        Template.TimeFormat time = HttpSourceProvider.timeFormat(config);
        if (!ok || connection.isEmpty())
            return null;
        return new HttpStep(name, connection.get(), attempts, key, merge, into, onFailure, onEmpty, emptyReason, cacheSize, time);
    }

    private static Optional<HttpStep.Attempt> attempt(ConfigObject config, String name) {
        RequestSpec request = RequestSpec.bind(config, ROOTS);
        Optional<RecordSelector> records = RecordSelector.parse(config.string("records").orElse("$"), m -> config.problem("records", m));
        Pagination pagination = Pagination.bind(config, "request");
        if (request == null || records.isEmpty())
            return Optional.empty();
        return Optional.of(new HttpStep.Attempt(name, request, records.get(), pagination));
    }
}
