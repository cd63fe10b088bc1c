package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.OTHER_WINDOW;
import static dev.sluice.connectors.steps.StepFixture.WINDOW;
import static dev.sluice.connectors.steps.StepFixture.apply;
import static dev.sluice.connectors.steps.StepFixture.json;
import static dev.sluice.connectors.steps.StepFixture.loadError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepContext;
import dev.sluice.testkit.PostgresFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** validate's dead letters in a table of the local PostgreSQL (or an embedded one; skipped when there is none). */
class DeadLetterTableTest {
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final String BAD = "{\"id\": \"x\"}";

    @TempDir
    Path dir;
    private final List<Step> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Step s : opened)
            s.close();
    }

    private Step step(String table) throws Exception {
        return step(table, StepFixture.CONTEXT);
    }

    private Step step(String table, StepContext context) throws Exception {
        Step s = bound(table);
        s.open(context);
        opened.add(s);
        return s;
    }

    /** The step as cleanup finds it: bound from the pipeline file, never opened. */
    private Step bound(String table) {
        return StepFixture.load(dir, "connections: {db: {url: \"" + postgres.jdbcUrl() + "\"}}\n",
                "- {type: validate, name: check, on_invalid: dead_letter, dead_letter: {connection: db" + (table == null ? "" : ", table: " + table)
                        + "}, schema: {type: object, properties: {id: {type: integer}}}}").steps().getFirst().step();
    }

    private List<String> rows(String table) throws Exception {
        var out = new ArrayList<String>();
        try (Connection c = postgres.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pipeline, window_start, window_end, step, record, reasons, rejected_at FROM " + table
                     + " ORDER BY window_start, record")) {
            while (rs.next())
                out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|"
                        + json(rs.getString(5)) + "|" + rs.getString(6).contains("integer") + "|" + rs.getObject(7, OffsetDateTime.class).toInstant());
        }
        return out;
    }

    @Test
    void the_table_is_created_and_a_commit_writes_the_windows_dead_letters() throws Exception {
        Step s = step(null);
        apply(s, WINDOW, BAD, "{\"id\": 1}");

        s.commit(WINDOW);

        assertThat(rows("sluice_dead_letters")).containsExactly("steps-test|2024-03-10T00:00:00Z|2024-03-10T06:00:00Z|check|{\"id\":\"x\"}|true|"
                + StepFixture.NOW);
    }

    @Test
    void a_re_commit_of_a_window_replaces_its_rows_and_leaves_other_windows_alone() throws Exception {
        Step s = step("letters");
        apply(s, WINDOW, BAD, "{\"id\": \"y\"}");
        apply(s, OTHER_WINDOW, BAD);
        s.commit(WINDOW);
        s.commit(OTHER_WINDOW);

        apply(s, WINDOW, "{\"id\": \"z\"}");
        s.commit(WINDOW);

        assertThat(rows("letters")).extracting(r -> r.split("\\|")[1] + " " + r.split("\\|")[4])
                .containsExactly("2024-03-10T00:00:00Z {\"id\":\"z\"}", "2024-03-10T06:00:00Z {\"id\":\"x\"}");
    }

    @Test
    void a_discarded_window_writes_no_rows() throws Exception {
        Step s = step("discarded");
        apply(s, WINDOW, BAD);
        apply(s, OTHER_WINDOW, BAD);
        s.commit(OTHER_WINDOW);

        s.discard(WINDOW);

        assertThat(rows("discarded")).extracting(r -> r.split("\\|")[1]).containsExactly("2024-03-10T06:00:00Z");
    }

    @Test
    void many_dead_letters_go_in_batches_in_one_transaction() throws Exception {
        Step s = step("many");
        var bad = new String[1234];
        java.util.Arrays.fill(bad, BAD);
        apply(s, WINDOW, bad);

        s.commit(WINDOW);

        assertThat(rows("many")).hasSize(1234);
    }

    @Test
    void purge_deletes_the_rows_rejected_before_the_cut_and_keeps_the_others() throws Exception {
        Step old = step("purged", StepFixture.contextAt(StepFixture.NOW.minus(Duration.ofDays(3))));
        apply(old, WINDOW, BAD, BAD);
        old.commit(WINDOW);
        Step recent = step("purged");
        apply(recent, OTHER_WINDOW, BAD);
        recent.commit(OTHER_WINDOW);

        long removed = bound("purged").purge(StepFixture.CONTEXT, StepFixture.NOW, false);

        assertThat(removed).isEqualTo(2);
        assertThat(rows("purged")).extracting(r -> r.split("\\|")[1]).containsExactly("2024-03-10T06:00:00Z");
    }

    @Test
    void a_dry_run_of_purge_counts_the_rows_and_deletes_nothing() throws Exception {
        Step s = step("dry", StepFixture.contextAt(StepFixture.NOW.minusSeconds(1)));
        apply(s, WINDOW, BAD, BAD);
        s.commit(WINDOW);

        assertThat(bound("dry").purge(StepFixture.CONTEXT, StepFixture.NOW, true)).isEqualTo(2);
        assertThat(rows("dry")).hasSize(2);
    }

    @Test
    void purge_leaves_the_rows_of_other_pipelines_and_of_windows_staged_now_alone() throws Exception {
        Step other = step("shared", StepFixture.context("another-pipeline", Clock.fixed(StepFixture.NOW.minusSeconds(60), ZoneOffset.UTC)));
        apply(other, WINDOW, BAD);
        other.commit(WINDOW);
        Step mine = step("shared", StepFixture.contextAt(StepFixture.NOW.minusSeconds(60)));
        apply(mine, OTHER_WINDOW, BAD);
        mine.commit(OTHER_WINDOW);
        apply(mine, OTHER_WINDOW, BAD); // the window runs again

        assertThat(mine.purge(StepFixture.CONTEXT, StepFixture.NOW, false)).isZero();
        assertThat(rows("shared")).hasSize(2);
    }

    @Test
    void an_unknown_connection_is_a_load_error() {
        assertThat(loadError(dir, "- {type: validate, on_invalid: dead_letter, dead_letter: {connection: nowhere}, schema: {type: object}}"))
                .contains("no connection named 'nowhere'");
    }
}
