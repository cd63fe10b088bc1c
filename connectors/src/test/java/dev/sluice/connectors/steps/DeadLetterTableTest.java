package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.OTHER_WINDOW;
import static dev.sluice.connectors.steps.StepFixture.WINDOW;
import static dev.sluice.connectors.steps.StepFixture.apply;
import static dev.sluice.connectors.steps.StepFixture.json;
import static dev.sluice.connectors.steps.StepFixture.loadError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spi.Step;
import dev.sluice.testkit.PostgresFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
        Step s = StepFixture.load(dir, "connections: {db: {url: \"" + postgres.jdbcUrl() + "\"}}\n",
                "- {type: validate, name: check, on_invalid: dead_letter, dead_letter: {connection: db" + (table == null ? "" : ", table: " + table)
                        + "}, schema: {type: object, properties: {id: {type: integer}}}}").steps().getFirst().step();
        s.open(StepFixture.CONTEXT);
        opened.add(s);
        return s;
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
    void an_unknown_connection_is_a_load_error() {
        assertThat(loadError(dir, "- {type: validate, on_invalid: dead_letter, dead_letter: {connection: nowhere}, schema: {type: object}}"))
                .contains("no connection named 'nowhere'");
    }
}
