package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.state.ErrorRecord;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every fault the demo API can inject, against a whole HTTP pipeline run by the runner on a real SQLite store and
 * a JSON Lines sink. Whatever happens, each window is delivered whole or not at all, the watermark covers exactly
 * the contiguous delivered prefix, and once the API behaves the next run delivers the rest exactly once.
 */
class FaultMatrixTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final int WINDOWS = 4;
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T06:00:00Z"), ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.shared();
    /** The pipeline file is faults.yaml. */
    private static final PipelineId ID = new PipelineId("faults");

    /** Small enough that a slow answer or a slow body times out in a fraction of a second. */
    private static final String SHORT_TIMEOUTS = "timeouts: {connect: 2s, read: 200ms, total: 500ms}";
    private static final String RELAXED_TIMEOUTS = "timeouts: {connect: 2s, read: 5s, total: 10s}";

    private static final String PAGES = """
            request: {path: /page/records, query: {since: "{{ window.start }}", until: "{{ window.end }}"}}
            records: $.data[*]
            pagination: {type: page_number, size: 25}
            """;
    private static final String CURSORS = """
            request: {path: /cursor/records, query: {since: "{{ window.start }}", until: "{{ window.end }}"}}
            records: $.data[*]
            pagination: {type: cursor, from: $.next_cursor, size: 25}
            """;

    private static DemoApi api;

    @TempDir
    Path dir;
    StateStore store;

    @BeforeAll
    static void startApi() throws IOException {
        api = DemoApi.start(DemoApiOptions.defaults());
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @BeforeEach
    void openStore() {
        store = StateStores.open("sqlite:" + dir.resolve("state.db"));
    }

    @AfterEach
    void closeStore() {
        api.faults().clear();
        store.close();
    }

    /** What the first run, with the faults, is expected to do. */
    enum FirstRun {
        /** Retries absorb the fault: every window is delivered. */
        DELIVERS_EVERYTHING,
        /** Some window fails (which one may depend on timing when windows run in parallel). */
        FAILS_A_WINDOW,
        /** The first window is delivered, then a later one fails part way through its pages. */
        DELIVERS_SOME_THEN_FAILS
    }

    /**
     * One row of the matrix.
     *
     * @param name what the test report shows
     * @param source the source's request, records and pagination
     * @param timeouts the connection's timeouts
     * @param parallelism windows at once
     * @param faults added to the demo API, in order, before the first run
     * @param firstRun what the first run does
     * @param code the error code of failed windows, when some fail
     */
    record Case(String name, String source, String timeouts, int parallelism, List<Fault> faults, FirstRun firstRun, Optional<ErrorCode> code) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The first {@code n} requests pass untouched (a zero latency); the faults added after it fire only then. */
    private static Fault passing(int n) {
        return Fault.latency(Duration.ZERO).times(n);
    }

    private static Case recovers(String name, Fault fault) {
        return new Case(name, PAGES, RELAXED_TIMEOUTS, 2, List.of(fault), FirstRun.DELIVERS_EVERYTHING, Optional.empty());
    }

    private static Case fails(String name, Fault fault, ErrorCode code) {
        return new Case(name, PAGES, RELAXED_TIMEOUTS, 2, List.of(fault), FirstRun.FAILS_A_WINDOW, Optional.of(code));
    }

    /**
     * One window at a time: the first window's 4 requests (pages of 25, 25, 10 and an empty one) and the second's
     * first two pages pass, then the fault fires on every request, so the second window fails with 50 records read.
     */
    private static Case failsMidWindow(String name, Fault fault, ErrorCode code) {
        return new Case(name, PAGES, RELAXED_TIMEOUTS, 1, List.of(passing(6), fault.always()), FirstRun.DELIVERS_SOME_THEN_FAILS, Optional.of(code));
    }

    private static Case withTimeouts(Case c) {
        return new Case(c.name, c.source, SHORT_TIMEOUTS, c.parallelism, c.faults, c.firstRun, c.code);
    }

    static Stream<Case> faults() {
        var unavailable = ErrorCode.SOURCE_UNAVAILABLE;
        var invalid = ErrorCode.SOURCE_INVALID_DATA;
        return Stream.of(
                withTimeouts(recovers("latency 100ms on every request, under the read timeout", Fault.latency(Duration.ofMillis(100)).always())),
                withTimeouts(recovers("latency 1s past the read timeout, twice", Fault.latency(Duration.ofSeconds(1)).times(2))),
                withTimeouts(fails("latency 1s past the read timeout, always", Fault.latency(Duration.ofSeconds(1)).always(), unavailable)),
                withTimeouts(failsMidWindow("latency 1s past the read timeout, from the middle of a window", Fault.latency(Duration.ofSeconds(1)), unavailable)),

                recovers("500 three times", Fault.status(500).times(3)),
                fails("500 always", Fault.status(500).always(), unavailable),
                failsMidWindow("500 from the middle of a window", Fault.status(500), unavailable),
                recovers("502 twice", Fault.status(502).times(2)),
                fails("502 always", Fault.status(502).always(), unavailable),
                recovers("503 three times", Fault.status(503).times(3)),
                fails("503 always", Fault.status(503).always(), unavailable),
                failsMidWindow("503 from the middle of a window", Fault.status(503), unavailable),

                recovers("429 with Retry-After 1s, once", Fault.tooManyRequests(Duration.ofSeconds(1))),
                fails("429 with Retry-After 1s, always", Fault.tooManyRequests(Duration.ofSeconds(1)).always(), unavailable),
                fails("429 with Retry-After 10s, past max_retry_after", Fault.tooManyRequests(Duration.ofSeconds(10)), unavailable),
                recovers("429 with a Retry-After date 1s ahead, once", Fault.tooManyRequestsWithDate(Duration.ofSeconds(1))),
                failsMidWindow("429 with a Retry-After date 1s ahead, from the middle of a window",
                        Fault.tooManyRequestsWithDate(Duration.ofSeconds(1)), unavailable),
                fails("429 with a Retry-After date 10s ahead, past max_retry_after", Fault.tooManyRequestsWithDate(Duration.ofSeconds(10)), unavailable),

                recovers("connection reset, twice", Fault.reset().times(2)),
                recovers("connection reset, four times", Fault.reset().times(4)),
                fails("connection reset, always", Fault.reset().always(), unavailable),
                failsMidWindow("connection reset from the middle of a window", Fault.reset(), unavailable),

                recovers("truncated body, twice", Fault.truncated().times(2)),
                fails("truncated body, always", Fault.truncated().always(), unavailable),
                failsMidWindow("truncated body from the middle of a window", Fault.truncated(), unavailable),

                fails("malformed JSON, once", Fault.malformed(), invalid),
                failsMidWindow("malformed JSON from the middle of a window", Fault.malformed(), invalid),

                withTimeouts(recovers("slow body past the read timeout, twice", Fault.slowBody(Duration.ofMillis(400)).times(2))),
                withTimeouts(fails("slow body past the read timeout, always", Fault.slowBody(Duration.ofMillis(400)).always(), unavailable)),
                withTimeouts(failsMidWindow("slow body from the middle of a window", Fault.slowBody(Duration.ofMillis(400)), unavailable)),

                // With cursors a window takes 3 requests (25, 25 and 10 records, the last with no next cursor).
                new Case("repeated cursor, always", CURSORS, RELAXED_TIMEOUTS, 2, List.of(Fault.repeatCursor().always()),
                        FirstRun.FAILS_A_WINDOW, Optional.of(invalid)),
                // One window at a time: a cursor repeated on the first page of the other window would look new.
                new Case("repeated cursor once, on a window's second page", CURSORS, RELAXED_TIMEOUTS, 1,
                        List.of(passing(1), Fault.repeatCursor()), FirstRun.FAILS_A_WINDOW, Optional.of(invalid)),
                new Case("repeated cursor from the middle of the second window", CURSORS, RELAXED_TIMEOUTS, 1,
                        List.of(passing(5), Fault.repeatCursor().always()), FirstRun.DELIVERS_SOME_THEN_FAILS, Optional.of(invalid)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void every_window_is_delivered_whole_or_not_at_all_and_a_clean_run_delivers_the_rest_exactly_once(Case c) {
        c.faults.forEach(api.faults()::add);

        RunResult first = run(c);

        assertWholeOrNothing();
        for (int i = 0; i < c.faults.size(); i++) {
            Fault f = c.faults.get(i);
            if (f.times() == Long.MAX_VALUE)
                assertThat(api.faults().fired(i)).as("times %s fired", f).isPositive();
            else if (c.firstRun == FirstRun.DELIVERS_EVERYTHING)
                assertThat(api.faults().fired(i)).as("times %s fired", f).isEqualTo(f.times());
        }
        List<LedgerEntry> ledger = ledger();
        switch (c.firstRun) {
            case DELIVERS_EVERYTHING -> {
                assertThat(first.status()).as(first.errors().toString()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(ledger).hasSize(WINDOWS).allSatisfy(e -> assertThat(e.status()).isEqualTo(WindowStatus.SUCCEEDED));
            }
            case FAILS_A_WINDOW -> assertThat(first.status()).isEqualTo(RunStatus.FAILED);
            case DELIVERS_SOME_THEN_FAILS -> {
                assertThat(first.status()).isEqualTo(RunStatus.FAILED);
                assertThat(ledger).extracting(LedgerEntry::status).containsExactly(WindowStatus.SUCCEEDED, WindowStatus.FAILED);
                assertThat(ledger.get(1).counts().read()).as("records read before the failure").isEqualTo(50);
            }
        }
        c.code.ifPresent(code -> {
            assertThat(first.errors()).isNotEmpty().allSatisfy(e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
            assertThat(ledger).filteredOn(e -> e.status() == WindowStatus.FAILED).isNotEmpty()
                    .allSatisfy(e -> assertThat(store.error(e.errorId().orElseThrow())).get().extracting(ErrorRecord::code).isEqualTo(code));
        });

        api.faults().clear();
        RunResult second = run(c);

        assertThat(second.status()).as(second.errors().toString()).isIn(RunStatus.SUCCEEDED, RunStatus.UP_TO_DATE);
        assertWholeOrNothing();
        assertThat(ledger()).extracting(LedgerEntry::window).containsExactlyInAnyOrderElementsOf(hours());
        assertThat(ledger()).allSatisfy(e -> assertThat(e.status()).isEqualTo(WindowStatus.SUCCEEDED));
        assertThat(watermark()).contains(hour(WINDOWS - 1).end());
    }

    /**
     * The all-or-nothing property of the books and the output folder: a succeeded window's file holds exactly the
     * demo records of the window, in order; a failed window has a findable error, no file, and the watermark is not
     * past it; no other file exists; the watermark is the end of the contiguous prefix of succeeded windows.
     */
    private void assertWholeOrNothing() {
        List<LedgerEntry> ledger = ledger();
        Optional<Instant> watermark = watermark();
        Map<TimeWindow, LedgerEntry> byWindow = ledger.stream().collect(Collectors.toMap(e -> (TimeWindow) e.window(), Function.identity()));
        var succeededFiles = new TreeSet<String>();
        for (LedgerEntry e : ledger) {
            TimeWindow w = (TimeWindow) e.window();
            Path file = output(w);
            switch (e.status()) {
                case SUCCEEDED -> {
                    succeededFiles.add(file.getFileName().toString());
                    assertThat(file).as("output of succeeded window %s", w).exists();
                    assertThat(idsIn(file)).as("ids written for window %s", w).isEqualTo(expectedIds(w)).doesNotHaveDuplicates();
                }
                case FAILED -> {
                    assertThat(e.errorId()).as("error id of failed window %s", w).isPresent();
                    assertThat(store.error(e.errorId().get())).as("error of failed window %s", w).get()
                            .satisfies(err -> assertThat(err.message()).isNotBlank());
                    assertThat(file).as("output of failed window %s", w).doesNotExist();
                    watermark.ifPresent(m -> assertThat(m).as("watermark with window %s failed", w).isBeforeOrEqualTo(w.start()));
                }
                default -> throw new AssertionError("window " + w + " is " + e.status() + " after the run");
            }
        }
        assertThat(outputFiles()).as("files in the output folder").isEqualTo(succeededFiles);
        Optional<Instant> prefixEnd = Optional.empty();
        for (TimeWindow w : hours()) {
            LedgerEntry e = byWindow.get(w);
            if (e == null || e.status() != WindowStatus.SUCCEEDED)
                break;
            prefixEnd = Optional.of(w.end());
        }
        assertThat(watermark).as("watermark, with ledger %s", ledger).isEqualTo(prefixEnd);
    }

    private RunResult run(Case c) {
        PipelineConfig config = ConfigLoader.standard().load(dir.resolve("faults.yaml"), pipeline(c));
        return new Runner(config, store, NOW, RunListener.NONE, new StopSignal(), Leases.currentHolder()).run();
    }

    private static String pipeline(Case c) {
        return """
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T04:00:00Z, size: 1h}
                parallelism: %d
                connections:
                  demo:
                    base_url: %s
                    retry: {max_attempts: 4, initial_backoff: 5ms, max_backoff: 50ms, max_retry_after: 5s}
                    %s
                source:
                  type: http
                  connection: demo
                %s
                sink: {type: jsonl, path: out}
                """.formatted(c.parallelism, api.baseUri(), c.timeouts, c.source.indent(2));
    }

    private List<LedgerEntry> ledger() {
        return store.ledger(ID, CursorKind.TIME, Optional.empty(), 100).stream()
                .sorted((a, b) -> Long.compare(a.window().startKey(), b.window().startKey())).toList();
    }

    private Optional<Instant> watermark() {
        return store.watermark(ID, CursorKind.TIME).map(Position::instant);
    }

    private static TimeWindow hour(int i) {
        return new TimeWindow(T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * (i + 1)));
    }

    private static List<TimeWindow> hours() {
        return IntStream.range(0, WINDOWS).mapToObj(FaultMatrixTest::hour).toList();
    }

    private Path output(TimeWindow w) {
        return dir.resolve("out").resolve(w.fileName() + ".jsonl");
    }

    private Set<String> outputFiles() {
        Path out = dir.resolve("out");
        if (!Files.isDirectory(out))
            return Set.of();
        try (Stream<Path> files = Files.list(out)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl")).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Long> idsIn(Path file) {
        try {
            var ids = new ArrayList<Long>();
            for (String line : Files.readAllLines(file)) {
                JsonNode record = JSON.readTree(line);
                ids.add(record.get("id").asLong());
            }
            return ids;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Long> expectedIds(TimeWindow w) {
        return api.data().between(w.start(), w.end()).stream().map(o -> o.get("id").asLong()).toList();
    }
}
