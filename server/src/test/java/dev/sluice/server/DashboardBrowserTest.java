package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.Secret;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.state.Counts;
import dev.sluice.core.state.ErrorRecord;
import dev.sluice.core.state.KeyStatus;
import dev.sluice.core.state.LedgerEntry;
import dev.sluice.core.state.Position;
import dev.sluice.core.state.RunKind;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.RunTotals;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.state.WindowStatus;
import dev.sluice.core.window.CursorKind;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.server.alert.AlertSettings;
import dev.sluice.server.alert.Alerter;
import dev.sluice.state.StateStores;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.Color;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard in a real headless Chromium, against a real service over a folder of pipelines whose
 * books were prepared through the state store: two succeeded windows, a failed one, a gap of an
 * hour, a succeeded window after the gap, and a backfill window. Skipped, with the reason, where
 * Debian's chromium or chromium-driver is not installed.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.shared();

    private static final String TOKEN = "dashboard-test-token";
    private static final String PIPELINE = "demo";
    private static final String OTHER_PIPELINE = "archive";
    private static final String DESCRIPTION = "Readings <img src=x onerror=\"document.title='injected'\"> & <b>more</b>";
    private static final String FAILED_ERROR_ID = "E-DASHBOARD-0001";
    private static final String FAILED_MESSAGE = "GET /readings answered 503 five times; the window is tried again on the next run";
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static final Logger CDP_NOTICES = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private static ChromeDriverService driverService;
    private static WebDriver browser;
    private static Path profile;

    @TempDir
    Path temp;
    private Path pipelines;
    private Path books;
    private Service service;
    private Api api;
    private String base;
    private long preparedRun;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startBrowser() throws IOException {
        skipUnlessInstalled(CHROMIUM, "chromium");
        skipUnlessInstalled(CHROMEDRIVER, "chromium-driver");
        // Selenium looks for a DevTools binding matching this Chromium's version; these tests use none.
        CDP_NOTICES.setLevel(Level.OFF);
        profile = Files.createTempDirectory("sluice-chromium-");
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,1024");
        // The driver is named explicitly so that Selenium Manager never looks for (or downloads) one.
        driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream()).build();
        browser = new ChromeDriver(driverService, options);
    }

    private static void skipUnlessInstalled(Path file, String debianPackage) {
        if (Files.isExecutable(file))
            return;
        String reason = "browser tests skipped: " + file + " is missing; install Debian's " + debianPackage + " (apt-get install chromium chromium-driver)";
        System.err.println(reason);
        Assumptions.abort(reason);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null)
            browser.quit();
        if (driverService != null)
            driverService.stop();
        if (profile != null)
            deleteTree(profile);
    }

    @BeforeEach
    void startService() throws IOException {
        pipelines = Files.createDirectories(temp.resolve("pipelines"));
        books = temp.resolve("books.db");
        Files.writeString(pipelines.resolve(PIPELINE + ".yaml"), """
                name: %s
                description: '%s'
                state: 'sqlite:%s'
                windows: {cursor: time, start: 2025-01-01T00:00:00Z, end: 2025-01-01T06:00:00Z, size: 1h}
                source: {type: generate, every: 1m}
                sink: {type: jsonl, path: '%s'}
                """.formatted(PIPELINE, DESCRIPTION.replace("'", "''"), books, temp.resolve("out")));
        Files.writeString(pipelines.resolve(OTHER_PIPELINE + ".yaml"), """
                name: %s
                state: 'sqlite:%s'
                windows: {cursor: id, start: 1, end: 1001, size: 100}
                source: {type: generate}
                sink: {type: jsonl, path: '%s'}
                """.formatted(OTHER_PIPELINE, books, temp.resolve("archive-out")));
        Files.writeString(pipelines.resolve("broken.yaml"), "name: broken\nwindows: {cursor: sideways}\n");
        prepareBooks();
        serve("127.0.0.1");
    }

    /** Starts the service and its API on {@code host} (the page is always loaded through the loopback address). */
    private void serve(String host) {
        var settings = ServeSettings.defaults().withListen(host, 0).withTokens(List.of(new Secret(TOKEN)));
        service = new Service(settings, pipelines, ConfigLoader.standard(), Clock.systemUTC(), Alerter.start(AlertSettings.none(), Clock.systemUTC()));
        service.start();
        api = new Api(service, new Tokens(settings.tokens()));
        api.start();
        base = "http://127.0.0.1:" + api.port();
    }

    /** Hours 0 and 1 succeeded (the watermark at 02:00), hour 2 failed, hour 3 is a gap, hour 4 succeeded; a backfill of hour 0. */
    private void prepareBooks() {
        var id = new PipelineId(PIPELINE);
        try (StateStore store = StateStores.open("sqlite:" + books)) {
            preparedRun = store.startRun(id, RunKind.RUN, "prepared by the test").runId();
            succeed(store, preparedRun, hour(0), false, true);
            succeed(store, preparedRun, hour(1), false, true);
            LedgerEntry failing = store.markRunning(id, preparedRun, hour(2), false);
            store.markFailed(failing, new Counts(60, 0, 0), new ErrorRecord(FAILED_ERROR_ID, id, Optional.of(preparedRun),
                    ErrorCode.SOURCE_UNAVAILABLE, FAILED_MESSAGE, Map.of("window", hour(2).startText()), T0.plusSeconds(3 * 3600)));
            succeed(store, preparedRun, hour(4), false, false);
            store.finishRun(preparedRun, RunStatus.FAILED, new RunTotals(3, 1, new Counts(240, 180, 0)), Optional.of(FAILED_ERROR_ID));

            for (int k = 1; k <= 3; k++)
                store.putKeyStatus(new KeyStatus(id, "record-" + k, KeyStatus.KeyOutcome.SUCCEEDED, Optional.empty(),
                        Optional.of("lookup: " + (k == 3 ? "fallback" : "primary")), 1, Optional.empty(), T0));
            store.putKeyStatus(new KeyStatus(id, "record-4", KeyStatus.KeyOutcome.FAILED, Optional.of("lookup: Both API calls returned empty"),
                    Optional.empty(), 1, Optional.of("E-KEY4"), T0));
            long backfill = store.startRun(id, RunKind.BACKFILL, "prepared by the test").runId();
            succeed(store, backfill, hour(0), true, false);
            store.finishRun(backfill, RunStatus.SUCCEEDED, new RunTotals(1, 0, new Counts(60, 60, 0)), Optional.empty());
        }
    }

    private static void succeed(StateStore store, long run, TimeWindow window, boolean backfill, boolean movesWatermark) {
        LedgerEntry running = store.markRunning(new PipelineId(PIPELINE), run, window, backfill);
        store.markSucceeded(running, new Counts(60, 60, 0), movesWatermark ? Optional.of(Position.endOf(window)) : Optional.empty());
    }

    private static TimeWindow hour(int n) {
        return new TimeWindow(T0.plusSeconds(n * 3600L), T0.plusSeconds((n + 1) * 3600L));
    }

    @AfterEach
    void stopService() {
        if (api != null)
            api.close();
        if (service != null)
            service.close();
        api = null;
        service = null;
    }

    // ---------------------------------------------------------------------------------------- tests

    @Test
    void pipeline_list_shows_each_pipeline_with_its_health_watermark_and_window_counts() {
        browser.get(base + "/");

        WebElement demo = waitFor(d -> d.findElement(By.cssSelector("#pipelines tr[data-pipeline='demo']")));
        WebElement archive = browser.findElement(By.cssSelector("#pipelines tr[data-pipeline='archive']"));

        assertThat(demo.getAttribute("data-health")).isEqualTo("failing");
        assertThat(demo.findElement(By.cssSelector(".badge")).getText()).isEqualTo("failing");
        assertThat(demo.findElement(By.cssSelector("td[data-label='Watermark']")).getText()).isEqualTo("2025-01-01 02:00:00 UTC");
        assertThat(demo.findElement(By.cssSelector("[data-count='failed']")).getText()).isEqualTo("1 failed");
        assertThat(archive.getAttribute("data-health")).isEqualTo("new");
        assertThat(archive.findElement(By.cssSelector("td[data-label='Watermark']")).getText()).isEqualTo("none yet");
    }

    @Test
    void files_that_do_not_validate_are_listed_with_their_problem() {
        browser.get(base + "/");

        WebElement problem = waitFor(d -> d.findElement(By.cssSelector("#problems-list li[data-file]")));

        assertThat(problem.getAttribute("data-file")).endsWith("broken.yaml");
        assertThat(problem.getText()).contains("broken.yaml").contains("cursor");
    }

    @Test
    void timeline_draws_one_green_block_for_each_succeeded_window_on_the_books() {
        openDemo();

        List<WebElement> succeeded = browser.findElements(By.cssSelector("#timeline .window[data-status='succeeded']"));

        assertThat(succeeded).hasSize(ledger(WindowStatus.SUCCEEDED).size()).hasSize(4);
        assertThat(succeeded).allSatisfy(block -> assertThat(isGreen(block)).as("green: %s", block.getCssValue("background-color")).isTrue());
        assertThat(succeeded).extracting(block -> block.getAttribute("data-start")).containsExactlyInAnyOrder(
                "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2025-01-01T01:00:00Z", "2025-01-01T04:00:00Z");
    }

    @Test
    void failed_window_is_red_and_shows_its_error_id_and_message() {
        openDemo();
        WebElement failed = browser.findElement(By.cssSelector("#timeline .window[data-status='failed']"));

        assertThat(isRed(failed)).as("red: %s", failed.getCssValue("background-color")).isTrue();
        assertThat(failed.getAttribute("data-start")).isEqualTo("2025-01-01T02:00:00Z");
        assertThat(failed.getAttribute("data-error-id")).isEqualTo(FAILED_ERROR_ID);
        assertThat(failed.getAttribute("title")).contains(FAILED_ERROR_ID);

        failed.click();
        WebElement detail = waitFor(d -> shown(d.findElement(By.id("window-detail"))));
        waitFor(d -> detail.getText().contains(FAILED_MESSAGE));
        assertThat(detail.findElement(By.cssSelector(".error-id")).getText()).isEqualTo(FAILED_ERROR_ID);
    }

    @Test
    void gap_is_drawn_between_two_windows_where_no_window_covers_the_range() {
        openDemo();

        List<WebElement> gaps = browser.findElements(By.cssSelector("#timeline .gap"));

        assertThat(gaps).hasSize(1);
        WebElement gap = gaps.getFirst();
        assertThat(gap.getAttribute("data-start")).isEqualTo("2025-01-01T03:00:00Z");
        assertThat(gap.getAttribute("data-end")).isEqualTo("2025-01-01T04:00:00Z");
        Rectangle before = block("incremental", "2025-01-01T02:00:00Z").getRect();
        Rectangle after = block("incremental", "2025-01-01T04:00:00Z").getRect();
        Rectangle between = gap.getRect();
        assertThat(between.getWidth()).isGreaterThan(4);
        assertThat(between.getX()).isGreaterThanOrEqualTo(before.getX() + before.getWidth() - 1);
        assertThat(between.getX() + between.getWidth()).isLessThanOrEqualTo(after.getX() + 1);
    }

    @Test
    void watermark_is_marked_at_the_end_of_the_last_contiguous_succeeded_window() {
        openDemo();

        WebElement mark = browser.findElement(By.cssSelector("#timeline .watermark"));

        assertThat(mark.getAttribute("data-position")).isEqualTo("2025-01-01T02:00:00Z");
        Rectangle last = block("incremental", "2025-01-01T01:00:00Z").getRect();
        assertThat(mark.getRect().getX()).isBetween(last.getX() + last.getWidth() - 3, last.getX() + last.getWidth() + 3);
    }

    @Test
    void backfill_window_is_drawn_on_its_own_lane_and_marked_as_backfill() {
        openDemo();

        List<WebElement> backfills = browser.findElements(By.cssSelector("#timeline .track[data-lane='backfill'] .window"));

        assertThat(backfills).hasSize(1);
        assertThat(backfills.getFirst().getAttribute("data-backfill")).isEqualTo("true");
        assertThat(backfills.getFirst().getAttribute("data-start")).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(backfills.getFirst().getCssValue("background-image")).contains("repeating-linear-gradient");
        assertThat(browser.findElements(By.cssSelector("#timeline .track[data-lane='incremental'] .window[data-backfill='true']"))).isEmpty();
    }

    @Test
    void failed_keys_are_headed_by_the_tally_of_every_key_and_the_request_that_answered_it() {
        openDemo();

        WebElement tally = waitFor(d -> shown(d.findElement(By.id("keys-tally"))));
        assertThat(tally.findElement(By.cssSelector(".tally-counts")).getText()).startsWith("3 keys succeeded, 1 failed");
        assertThat(tally.findElements(By.cssSelector(".tally-answers li"))).extracting(WebElement::getText)
                .containsExactly("lookup: fallback: 1", "lookup: primary: 2");
        assertThat(browser.findElement(By.cssSelector("#keys tr[data-key='record-4']")).getText()).contains("Both API calls returned empty");
    }

    @Test
    void run_details_list_the_errors_of_the_run_with_their_ids() {
        openDemo();
        WebElement row = waitFor(d -> d.findElement(By.cssSelector("#runs tr[data-run-id='" + preparedRun + "']")));

        row.findElement(By.cssSelector("button.run-details")).click();

        WebElement error = waitFor(d -> d.findElement(By.cssSelector("#run-detail .error[data-error-id='" + FAILED_ERROR_ID + "']")));
        assertThat(error.findElement(By.cssSelector(".error-message")).getText()).isEqualTo(FAILED_MESSAGE);
        assertThat(error.findElement(By.cssSelector(".error-id")).getText()).isEqualTo(FAILED_ERROR_ID);
    }

    @Test
    void run_now_with_the_token_starts_a_run_that_shows_in_the_runs_list_and_on_the_books() {
        openDemo();
        List<Long> before = runIdsOnTheBooks();
        useToken(TOKEN);

        browser.findElement(By.id("action-run")).click();

        WebElement row = waitFor(d -> d.findElements(By.cssSelector("#runs tbody tr[data-run-id]")).stream()
                .filter(r -> !before.contains(Long.parseLong(r.getAttribute("data-run-id")))).findFirst().orElse(null));
        long newRun = Long.parseLong(row.getAttribute("data-run-id"));
        assertThat(runIdsOnTheBooks()).contains(newRun).hasSize(before.size() + 1);
        assertThat(browser.findElement(By.id("message")).getAttribute("data-kind")).isEqualTo("ok");
    }

    @Test
    void action_without_a_token_asks_for_one_and_starts_nothing() {
        openDemo();
        List<Long> before = runIdsOnTheBooks();

        browser.findElement(By.id("action-run")).click();

        WebElement message = waitFor(d -> shown(d.findElement(By.id("message"))));
        assertThat(message.getAttribute("data-kind")).isEqualTo("error");
        assertThat(message.getText()).contains("token");
        assertThat(browser.findElement(By.id("token-form")).getAttribute("class")).contains("attention");
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("token");
        assertThat(runIdsOnTheBooks()).isEqualTo(before);
    }

    @Test
    void action_refused_for_a_wrong_token_shows_the_service_message_and_its_error_id() throws Exception {
        openDemo();
        useToken("not-the-token");
        String refusal = JSON.readTree(post("/api/v1/pipelines/demo/run", "not-the-token").body()).get("message").asString();

        browser.findElement(By.id("action-run")).click();

        WebElement message = waitFor(d -> {
            WebElement m = d.findElement(By.id("message"));
            return m.isDisplayed() && "error".equals(m.getAttribute("data-kind")) ? m : null;
        });
        assertThat(message.findElement(By.id("message-text")).getText()).isEqualTo(refusal);
        assertThat(message.findElement(By.cssSelector("#message-error-id .error-id")).getText()).isNotBlank();
        assertThat(browser.findElement(By.id("token-form")).getAttribute("class")).contains("attention");
    }

    @Test
    void beyond_loopback_the_page_asks_for_the_token_before_it_shows_anything_and_loads_once_given() {
        stopService();
        serve("0.0.0.0");
        browser.get(base + "/");

        WebElement message = waitFor(d -> shown(d.findElement(By.id("message"))));
        assertThat(message.getAttribute("data-kind")).isEqualTo("error");
        assertThat(browser.findElement(By.id("token-form")).getAttribute("class")).contains("attention");
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("token");
        assertThat(browser.findElements(By.cssSelector("#pipelines tr[data-pipeline]"))).isEmpty();

        useToken(TOKEN);

        waitFor(d -> d.findElement(By.cssSelector("#pipelines tr[data-pipeline='demo']")));
        waitFor(d -> !d.findElement(By.id("message")).isDisplayed());
        assertThat(browser.findElement(By.id("token-form")).getAttribute("class")).doesNotContain("attention");
    }

    @Test
    void token_is_kept_for_the_tab_and_never_put_in_the_address() {
        openDemo();

        useToken(TOKEN);

        assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('sluice.token')")).isEqualTo(TOKEN);
        assertThat(browser.findElement(By.id("token")).getAttribute("value")).isEmpty();
        assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);
    }

    @Test
    void page_refreshes_itself_from_the_books_and_keeps_the_selected_pipeline() throws Exception {
        openDemo();
        assertThat(post("/api/v1/pipelines/demo/run", TOKEN).statusCode()).isEqualTo(202);

        waitFor(d -> !d.findElements(By.cssSelector("#timeline .window[data-start='2025-01-01T05:00:00Z'][data-status='succeeded']")).isEmpty());

        assertThat(browser.findElements(By.cssSelector("#timeline .window[data-status='failed']"))).isEmpty();
        assertThat(browser.findElement(By.cssSelector("#pipelines tr[data-pipeline='demo']")).getAttribute("class")).contains("selected");
        assertThat(browser.findElement(By.id("detail")).getAttribute("data-pipeline")).isEqualTo(PIPELINE);
        assertThat(browser.findElement(By.id("refreshed")).getAttribute("data-at")).isNotBlank();
    }

    @Test
    void text_from_the_api_is_shown_as_text_never_as_markup() {
        openDemo();

        WebElement description = browser.findElement(By.id("detail-description"));

        assertThat(description.getText()).isEqualTo(DESCRIPTION);
        assertThat(description.findElements(By.cssSelector("img, b"))).isEmpty();
        assertThat(browser.getTitle()).isEqualTo("Sluice");
    }

    @Test
    void page_fits_a_narrow_window_without_sideways_scrolling() {
        Dimension wide = browser.manage().window().getSize();
        try {
            browser.manage().window().setSize(new Dimension(400, 900));
            openDemo();

            Object overflow = ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");

            assertThat(((Number) overflow).longValue()).isLessThanOrEqualTo(0);
        } finally {
            browser.manage().window().setSize(wide);
        }
    }

    // -------------------------------------------------------------------------------------- helpers

    /** Loads the page, chooses the demo pipeline and waits until its timeline shows every window on the books. */
    private void openDemo() {
        browser.get(base + "/");
        waitFor(d -> d.findElement(By.cssSelector("#pipelines tr[data-pipeline='demo'] button.pipeline-name"))).click();
        int onTheBooks = ledger(null).size();
        waitFor(d -> {
            WebElement timeline = d.findElement(By.id("timeline"));
            return PIPELINE.equals(timeline.getAttribute("data-pipeline"))
                    && Integer.toString(onTheBooks).equals(timeline.getAttribute("data-windows")) ? timeline : null;
        });
    }

    private void useToken(String token) {
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.id("token-save")).click();
        waitFor(d -> d.findElement(By.id("token-state")).getText().startsWith("A token is set"));
    }

    private WebElement block(String lane, String start) {
        return browser.findElement(By.cssSelector("#timeline .track[data-lane='" + lane + "'] .window[data-start='" + start + "']"));
    }

    private static <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, PATIENCE).ignoring(NoSuchElementException.class).ignoring(StaleElementReferenceException.class)
                .until(condition::apply);
    }

    /** The element when it is displayed, else null (so that a wait goes on). */
    private static WebElement shown(WebElement element) {
        return element.isDisplayed() ? element : null;
    }

    private static boolean isRed(WebElement block) {
        java.awt.Color c = Color.fromString(block.getCssValue("background-color")).getColor();
        return c.getRed() > 150 && c.getGreen() < 100 && c.getBlue() < 100;
    }

    private static boolean isGreen(WebElement block) {
        java.awt.Color c = Color.fromString(block.getCssValue("background-color")).getColor();
        return c.getGreen() > c.getRed() + 40 && c.getGreen() > c.getBlue() + 40;
    }

    private List<LedgerEntry> ledger(WindowStatus status) {
        try (StateStore store = StateStores.open("sqlite:" + books)) {
            return store.ledger(new PipelineId(PIPELINE), CursorKind.TIME, Optional.ofNullable(status), 1000);
        }
    }

    /** The run ids that GET /api/v1/pipelines/demo/runs lists. */
    private List<Long> runIdsOnTheBooks() {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pipelines/demo/runs")).timeout(PATIENCE).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            var ids = new ArrayList<Long>();
            for (JsonNode run : JSON.readTree(response.body()).get("runs"))
                ids.add(run.get("run_id").asLong());
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String path, String token) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(PATIENCE).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList())
                Files.deleteIfExists(p);
        }
    }
}
