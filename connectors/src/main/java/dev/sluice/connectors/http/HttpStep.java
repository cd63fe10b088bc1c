package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.ConnectionStats;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.KeyResult;
import dev.sluice.core.spi.ObservedConnections;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.spi.StepResult;
import dev.sluice.core.window.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A dependent request: for each record, calls an endpoint with values from the record and merges the
 * answer in; when the answer is empty or the call fails, tries the fallbacks in order. A request with
 * {@code pagination:} answers the values of all its pages ({@link Paging#gather}): it is empty when its
 * first page is, and failed when any page fails. Records of a page are processed at once on virtual
 * threads, as many in flight as the connection allows, and come out in their order. Answers (and
 * failures) are cached for the run by the request of their first page, since many records often share
 * a lot or a parent.
 */
final class HttpStep implements Step, ObservedConnections {
    private static final Logger log = LoggerFactory.getLogger(HttpStep.class);

    enum Merge { OBJECT, ARRAY, FIELDS, ROWS }

    enum OnFailure { FAIL_WINDOW, RECORD_KEY }

    enum OnEmpty { FAIL, KEEP }

    /** One request of the chain: the primary one or a fallback, with how its answer is paged. */
    record Attempt(String name, RequestSpec request, RecordSelector records, Pagination pagination) {
        Attempt {
            requireNonNull(name, "name is null");
            requireNonNull(request, "request is null");
            requireNonNull(records, "records is null");
            requireNonNull(pagination, "pagination is null");
        }
    }

    private final String name;
    private final HttpConnection connection;
    private final List<Attempt> attempts;
    private final List<Paging> pages; // of each attempt, in the same order
    private final Optional<Template> key;
    private final Merge merge;
    private final Optional<String> into;
    private final OnFailure onFailure;
    private final OnEmpty onEmpty;
    private final Optional<String> emptyReason;
    private final int cacheSize;
    private final Template.TimeFormat time;
    private final Map<String, CompletableFuture<Answer>> cache = new ConcurrentHashMap<>();
    private final Map<String, Optional<FieldPath>> paths = new ConcurrentHashMap<>();

    HttpStep(String name, HttpConnection connection, List<Attempt> attempts, Optional<Template> key, Merge merge,
             Optional<String> into, OnFailure onFailure, OnEmpty onEmpty, Optional<String> emptyReason, int cacheSize,
             Template.TimeFormat time) {
        this.name = requireNonNull(name, "name is null");
        this.connection = requireNonNull(connection, "connection is null");
        this.attempts = List.copyOf(attempts);
        this.key = requireNonNull(key, "key is null");
        this.merge = requireNonNull(merge, "merge is null");
        this.into = requireNonNull(into, "into is null");
        this.onFailure = requireNonNull(onFailure, "onFailure is null");
        this.onEmpty = requireNonNull(onEmpty, "onEmpty is null");
        this.emptyReason = requireNonNull(emptyReason, "emptyReason is null");
        this.cacheSize = cacheSize;
        this.time = requireNonNull(time, "time is null");
        if (this.attempts.isEmpty())
            throw new IllegalArgumentException("a dependent request needs at least one request");
        this.pages = this.attempts.stream()
                .map(a -> new Paging(connection, a.request, a.pagination, a.records, time, Paging.Wording.STEP)).toList();
    }

    /**
     * What one request gave: the values of all its pages (none when empty), whether a page answered a status
     * the request declares empty, or the failure.
     */
    private record Answer(List<JsonNode> values, boolean declaredEmpty, SluiceException failure) {
        boolean empty() {
            return failure == null && values.isEmpty();
        }
    }

    /** What became of one record. */
    private record Outcome(List<DataRecord> records, Optional<KeyResult> key, long empty, boolean rejected) {
    }

    @Override
    public void open(StepContext context) {
        cache.clear();
        connection.open();
    }

    @Override
    public StepResult apply(Window window, List<DataRecord> records) {
        if (records.isEmpty())
            return StepResult.of(List.of());
        var futures = new ArrayList<Future<Outcome>>(records.size());
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (DataRecord r : records)
                futures.add(executor.submit(() -> process(window, r)));
        }
        var out = new ArrayList<DataRecord>(records.size());
        var keys = new ArrayList<KeyResult>();
        long rejected = 0, empty = 0;
        for (Future<Outcome> f : futures) {
            Outcome o = result(f);
            out.addAll(o.records);
            o.key.ifPresent(keys::add);
            empty += o.empty;
            if (o.rejected)
                rejected++;
        }
        return new StepResult(out, keys, rejected, empty);
    }

    private static Outcome result(Future<Outcome> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re)
                throw re;
            throw new SluiceException(ErrorCode.INTERNAL, "a dependent request failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.RUN_INTERRUPTED, "interrupted while waiting for dependent requests", e);
        }
    }

    private Outcome process(Window window, DataRecord record) {
        Template.Scope scope = scope(window, record);
        Optional<String> k = key.map(t -> t.render(scope, time, false));
        long empty = 0;
        var failures = new ArrayList<String>();
        ErrorCode failedWith = null; // the code of the last request that failed, rather than answered empty
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            Answer answer = answer(a, pages.get(i), scope);
            if (answer.declaredEmpty)
                empty++;
            if (answer.failure != null) {
                if (answer.failure.code() == ErrorCode.SOURCE_AUTH_FAILED)
                    throw answer.failure; // wrong credentials fail every record alike: no point going on
                // A key recorded as failed does not hold its window back: the connection's note saying so would mislead.
                String message = answer.failure.getMessage();
                failures.add(a.name + ": " + (onFailure == OnFailure.RECORD_KEY ? message.replace("; " + HttpConnection.NOT_COMMITTED, "") : message));
                failedWith = answer.failure.code();
                continue;
            }
            if (answer.values.isEmpty()) {
                failures.add(a.name + ": returned empty");
                continue;
            }
            return new Outcome(merged(record, answer.values), k.map(x -> KeyResult.succeeded(x, a.name)), empty, false);
        }
        boolean allEmpty = failedWith == null;
        String reason = allEmpty ? emptyReason.orElse(attempts.size() == 1 ? "the request returned empty" : "all requests returned empty")
                : String.join("; ", failures);
        if (allEmpty && onEmpty == OnEmpty.KEEP)
            return new Outcome(merged(record, List.of()), k.map(x -> KeyResult.succeeded(x, "none (kept without an answer)")), empty, false);
        String who = k.map(x -> "key '" + x + "'").orElse("a record");
        if (onFailure == OnFailure.FAIL_WINDOW)
            throw new SluiceException(allEmpty ? ErrorCode.STEP_FAILED : failedWith, "step '" + name + "' for " + who + " in window " + window + ": " + reason
                    + "; the window was not committed (set on_failure: record_key to record such keys as failed and go on)");
        log.atWarn().addKeyValue("step", name).addKeyValue("key", k.orElse("")).addKeyValue("window", window.toString())
                .log("dependent request failed for {}: {}", who, reason);
        ErrorCode keyCode = allEmpty ? ErrorCode.STEP_FAILED : failedWith;
        return new Outcome(List.of(), k.map(x -> KeyResult.failed(x, reason, keyCode)), empty, true);
    }

    /**
     * The answer of one request, all its pages, from the run's cache when an earlier record made the same
     * request (the same first page).
     */
    private Answer answer(Attempt a, Paging paging, Template.Scope scope) {
        String label = "step '" + name + "' (" + a.name + ")";
        HttpCall first = paging.call(scope, Optional.empty(), label);
        String id = RequestSpec.identity(first);
        var mine = new CompletableFuture<Answer>();
        CompletableFuture<Answer> existing = cache.putIfAbsent(id, mine);
        if (existing != null)
            return existing.join();
        if (cache.size() > cacheSize)
            cache.clear(); // a plain bound: answers are cheap to fetch again, memory is not unbounded
        Answer answer;
        try {
            Paging.Gathered all = paging.gather(scope, first, label);
            answer = new Answer(all.values(), all.declaredEmpty(), null);
        } catch (SluiceException e) {
            answer = new Answer(List.of(), false, e);
        }
        mine.complete(answer);
        return answer;
    }

    private List<DataRecord> merged(DataRecord record, List<JsonNode> values) {
        ObjectNode base = record.data();
        String field = into.orElse(name);
        switch (merge) {
            case OBJECT -> {
                ObjectNode o = base.deepCopy();
                o.set(field, values.isEmpty() ? JsonNodeFactory.instance.nullNode() : values.getFirst());
                return List.of(new DataRecord(o));
            }
            case ARRAY -> {
                ObjectNode o = base.deepCopy();
                o.set(field, JsonNodeFactory.instance.arrayNode().addAll(values));
                return List.of(new DataRecord(o));
            }
            case FIELDS -> {
                ObjectNode o = base.deepCopy();
                if (!values.isEmpty())
                    putAll(o, values.getFirst());
                return List.of(new DataRecord(o));
            }
            case ROWS -> {
                if (values.isEmpty())
                    return List.of(record);
                var rows = new ArrayList<DataRecord>(values.size());
                for (JsonNode v : values) {
                    ObjectNode o = base.deepCopy();
                    if (into.isPresent())
                        o.set(into.get(), v);
                    else
                        putAll(o, v);
                    rows.add(new DataRecord(o));
                }
                return rows;
            }
        }
        throw new IllegalStateException("unknown merge " + merge);
    }

    private void putAll(ObjectNode target, JsonNode value) {
        if (!(value instanceof ObjectNode o))
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, "step '" + name + "' merges fields, but the answer selected a "
                    + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + "; set into: to nest it, or point records: at objects");
        o.properties().forEach(e -> target.set(e.getKey(), e.getValue()));
    }

    private Template.Scope scope(Window window, DataRecord record) {
        return new Template.Scope() {
            @Override
            public Optional<Object> window(String field) {
                return Template.windowValue(window, field);
            }

            @Override
            public Optional<JsonNode> record(String path) {
                return paths.computeIfAbsent(path, FieldPath::parse).flatMap(p -> p.find(record.data()));
            }

            @Override
            public Optional<Object> page(String field) {
                return Optional.empty(); // filled in by Paging
            }
        };
    }

    @Override
    public void close() {
        cache.clear();
        connection.close();
    }

    @Override
    public List<ConnectionStats> connectionStats() {
        return List.of(connection.observed());
    }
}
