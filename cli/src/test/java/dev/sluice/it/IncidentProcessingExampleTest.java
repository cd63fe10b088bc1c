package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.PipelineId;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Connectors;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.runner.RunResult;
import dev.sluice.core.runner.Runner;
import dev.sluice.core.runner.StopSignal;
import dev.sluice.core.state.RunRecord;
import dev.sluice.core.state.RunStatus;
import dev.sluice.core.state.StateStore;
import dev.sluice.state.Leases;
import dev.sluice.state.StateStores;
import dev.sluice.testkit.MariaDbFixture;
import dev.sluice.testkit.TestClock;
import dev.sluice.testkit.demo.DemoApi;
import dev.sluice.testkit.demo.DemoApiOptions;
import dev.sluice.testkit.demo.Inbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Seed 004 end to end: examples/incident-processing/pipeline.yaml, as shipped, against the local MariaDB
 * (its setup.sql in a fresh database) and the demo API's inbox in this JVM. Runs post the history, only
 * what was added since (a row stamped inside the settle time waits for the next run), and, with
 * nothing new, an empty payload; the audit numbers the runs 1 to 4.
 */
class IncidentProcessingExampleTest {
    @RegisterExtension
    static final MariaDbFixture mariadb = new MariaDbFixture();

    private static final Path EXAMPLE = Path.of("..", "examples", "incident-processing");
    private static final Instant FIRST_RUN = Instant.parse("2026-01-05T12:00:00Z");

    @TempDir
    Path dir;
    DemoApi api;
    StateStore store;
    TestClock clock = new TestClock(FIRST_RUN);

    @BeforeEach
    void setUp() throws Exception {
        try (Connection c = mariadb.connect(); Statement s = c.createStatement()) {
            for (String sql : Files.readString(EXAMPLE.resolve("setup.sql")).split(";\\s*\\n")) {
                String statement = sql.replaceAll("(?m)^--.*$", "").strip();
                // the script makes and selects its own database; the test uses the fixture's
                if (!statement.isEmpty() && !statement.matches("(?is)(DROP DATABASE|CREATE DATABASE|USE)\\b.*"))
                    s.execute(statement);
            }
            // Stamped exactly at the first window's end (now - 1 minute): the second run's, not the first's.
            s.execute("INSERT INTO debt_payment (cust_id, amount, channel, paid_dtm) VALUES (1002, 12.34, 'card', '2026-01-05 11:59:00')");
        }
        api = DemoApi.start(DemoApiOptions.defaults());
        store = StateStores.open("sqlite:" + dir.resolve("state.db"));
    }

    @AfterEach
    void tearDown() {
        store.close();
        api.close();
    }

    @Test
    void runs_post_the_history_then_only_new_payments_then_an_empty_payload() throws Exception {
        RunResult first = run();
        clock.advance(Duration.ofHours(1));
        try (Connection c = mariadb.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO debt_payment (cust_id, amount, channel, paid_dtm) VALUES "
                    + "(1001, 75.25, 'card', '2026-01-05 12:30:00'), (1003, 400.00, 'transfer', '2026-01-05 12:58:59.999')");
            // Within the settle time of the second run: left for the third.
            s.execute("INSERT INTO debt_payment (cust_id, amount, channel, paid_dtm) VALUES (1001, 1.00, 'cash', '2026-01-05 12:59:30')");
        }
        RunResult second = run();
        clock.advance(Duration.ofHours(1));
        RunResult third = run();
        clock.advance(Duration.ofHours(1));
        RunResult fourth = run();

        assertThat(List.of(first.status(), second.status(), third.status(), fourth.status())).containsOnly(RunStatus.SUCCEEDED);
        List<Inbox.Delivery> posted = api.inbox().deliveries("incidents");
        assertThat(posted).hasSize(4);
        assertThat(paymentIds(posted.get(0))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(paymentIds(posted.get(1))).containsExactly(5L, 6L, 7L);
        assertThat(paymentIds(posted.get(2))).containsExactly(8L);
        assertThat(posted.get(3).body().get("count").asInt()).isZero();
        assertThat(posted.get(3).body().get("incidents").isEmpty()).isTrue();
        assertThat(api.inbox().duplicates()).isZero();

        JsonNode firstPayment = posted.get(0).body().get("incidents").get(0);
        assertThat(firstPayment.get("customer_name").stringValue()).isEqualTo("Northwind Traders");
        assertThat(firstPayment.get("amount").decimalValue()).isEqualByComparingTo("250.00");
        assertThat(firstPayment.get("amount").toString()).as("DECIMAL kept exact").isEqualTo("250.00");
        assertThat(firstPayment.get("paid_dtm").stringValue()).isEqualTo("2025-02-12T08:00:00Z");
        assertThat(posted.get(1).body().get("window_start").stringValue()).isEqualTo("2026-01-05T11:59:00Z");
        assertThat(posted.get(1).body().get("window_end").stringValue()).isEqualTo("2026-01-05T12:59:00Z");

        List<RunRecord> audit = store.runs(new PipelineId("incident-processing"), 10);
        assertThat(audit).extracting(RunRecord::sequence).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    }

    private RunResult run() {
        Map<String, String> env = Map.of("MYSQL_DATABASE", mariadb.database(), "INCIDENT_API", api.baseUri().toString());
        var loader = new ConfigLoader(name -> Optional.ofNullable(env.get(name)), Connectors.discover());
        PipelineConfig config = loader.load(EXAMPLE.resolve("pipeline.yaml"));
        return new Runner(config, store, clock, new RunListener() { }, new StopSignal(), Leases.currentHolder()).run();
    }

    private static List<Long> paymentIds(Inbox.Delivery delivery) {
        return delivery.body().get("incidents").valueStream().map(p -> p.get("payment_id").asLong()).toList();
    }
}
