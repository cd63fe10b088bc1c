package dev.sluice.connectors.jdbc;

import static dev.sluice.connectors.jdbc.JdbcSourceFixture.assertFails;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.execute;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.ids;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.pipeline;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.query;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.SnapshotWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.testkit.PostgresFixture;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** The jdbc source on the local PostgreSQL: types, window bounds in a time zone, streaming, errors and concurrency. */
class PostgresJdbcSourceTest {
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    @TempDir
    Path dir;
    Source source;

    @BeforeAll
    static void tables() throws Exception {
        try (Connection c = postgres.connect()) {
            execute(c,
                    "CREATE TABLE items (id bigint PRIMARY KEY, name text)",
                    "INSERT INTO items SELECT i, 'item-' || i FROM generate_series(1, 2000) i",
                    "CREATE TABLE events (id int PRIMARY KEY, at_tz timestamptz, at_local timestamp)");
        }
    }

    @AfterEach
    void close() throws Exception {
        if (source != null)
            source.close();
    }

    private Source source(String windows, String connectionExtra, String body) throws Exception {
        source = JdbcSourceFixture.open(dir, pipeline(windows, postgres.jdbcUrl(), connectionExtra, body));
        return source;
    }

    private Source idSource(String body) throws Exception {
        return source("{cursor: id, start: 1, end: 2001, size: 1000}", "pool_size: 2", body);
    }

    private static final String ITEMS = query("SELECT id, name FROM items WHERE id >= :id_start AND id < :id_end ORDER BY id");

    @Test
    void every_postgresql_type_becomes_its_exact_json_value() throws Exception {
        var s = source("{cursor: none}", "", "timezone: Europe/Berlin\n" + query("""
                SELECT true AS b, 1::int2 AS i2, 2::int4 AS i4, 9007199254740993::int8 AS i8,
                  12345678901234567890.12345678901234567890::numeric AS n, 12.50::numeric(10,2) AS n2,
                  0.1::real AS r, 0.1::float8 AS d, 'NaN'::float8 AS nan, 'x'::text AS t, 'ab'::char(3) AS ch, 'v'::varchar AS v,
                  date '2025-01-31' AS dt, time '10:00:01.5' AS tm, timetz '10:00:00+02' AS ttz,
                  timestamp '2025-01-31 10:00:00' AS ts, timestamp '2025-07-31 10:00:00.123456' AS ts_summer,
                  timestamptz '2025-01-31 10:00:00+02' AS tstz,
                  '\\x00ff10'::bytea AS bin, '{"a": 1, "b": [1, 2.50]}'::json AS j, '{"a": {"b": null}}'::jsonb AS jb,
                  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, ARRAY[1, 2, NULL]::int[] AS ai,
                  ARRAY[['a','b'],['c','d']] AS a2, ARRAY['{"k": 1}'::jsonb] AS aj, ARRAY[1.50]::numeric[] AS an,
                  interval '1 day 2 hours' AS iv, '192.168.0.1'::inet AS ip, NULL::int AS nul
                """));

        ObjectNode r = readAll(s, new SnapshotWindow(Instant.parse("2025-01-01T00:00:00Z"))).getFirst().data();

        assertThat(r.get("b").isBoolean()).isTrue();
        assertThat(r.get("b").booleanValue()).isTrue();
        assertThat(r.get("i2").isIntegralNumber()).isTrue();
        assertThat(r.get("i2").longValue()).isEqualTo(1);
        assertThat(r.get("i4").longValue()).isEqualTo(2);
        assertThat(r.get("i8").longValue()).isEqualTo(9007199254740993L);
        assertThat(r.get("n").decimalValue()).isEqualTo(new BigDecimal("12345678901234567890.12345678901234567890"));
        assertThat(r.get("n2").decimalValue()).isEqualTo(new BigDecimal("12.50"));
        assertThat(r.get("n2").toString()).isEqualTo("12.50");
        assertThat(r.get("r").isDouble()).isTrue();
        assertThat(r.get("r").doubleValue()).isEqualTo(0.1);
        assertThat(r.get("d").doubleValue()).isEqualTo(0.1);
        assertThat(r.get("nan").stringValue()).isEqualTo("NaN");
        assertThat(r.get("t").stringValue()).isEqualTo("x");
        assertThat(r.get("ch").stringValue()).isEqualTo("ab ");
        assertThat(r.get("v").stringValue()).isEqualTo("v");
        assertThat(r.get("dt").stringValue()).isEqualTo("2025-01-31");
        assertThat(r.get("tm").stringValue()).isEqualTo("10:00:01.5");
        assertThat(r.get("ttz").stringValue()).isEqualTo("10:00:00+02:00");
        assertThat(r.get("ts").stringValue()).isEqualTo("2025-01-31T10:00:00+01:00");
        assertThat(r.get("ts_summer").stringValue()).isEqualTo("2025-07-31T10:00:00.123456+02:00");
        assertThat(r.get("tstz").stringValue()).isEqualTo("2025-01-31T08:00:00Z");
        assertThat(r.get("bin").stringValue()).isEqualTo("AP8Q");
        assertThat(r.get("j").toString()).isEqualTo("{\"a\":1,\"b\":[1,2.50]}");
        assertThat(r.get("jb").get("a").get("b").isNull()).isTrue();
        assertThat(r.get("u").stringValue()).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(r.get("ai").toString()).isEqualTo("[1,2,null]");
        assertThat(r.get("a2").toString()).isEqualTo("[[\"a\",\"b\"],[\"c\",\"d\"]]");
        assertThat(r.get("aj").toString()).isEqualTo("[{\"k\":1}]");
        assertThat(r.get("an").toString()).isEqualTo("[1.50]");
        assertThat(r.get("iv").stringValue()).isEqualTo("1 day 02:00:00");
        assertThat(r.get("ip").stringValue()).isEqualTo("192.168.0.1");
        assertThat(r.get("nul").isNull()).isTrue();
    }

    @Test
    void a_time_window_reads_rows_at_its_start_and_not_at_its_end_in_both_kinds_of_timestamp_columns() throws Exception {
        try (Connection c = postgres.connect()) {
            execute(c, "DELETE FROM events",
                    // Berlin is at +02:00 in June: 12:00 local is 10:00Z.
                    "INSERT INTO events VALUES (1, '2025-06-01 09:59:59.999999Z', '2025-06-01 11:59:59.999999'),"
                            + " (2, '2025-06-01 10:00:00Z', '2025-06-01 12:00:00'), (3, '2025-06-01 10:59:59.999999Z', '2025-06-01 12:59:59.999999'),"
                            + " (4, '2025-06-01 11:00:00Z', '2025-06-01 13:00:00')");
        }
        var window = new TimeWindow(Instant.parse("2025-06-01T10:00:00Z"), Instant.parse("2025-06-01T11:00:00Z"));
        String windows = "{cursor: time, start: 2025-06-01T00:00:00Z, size: 1h}";
        var tz = source(windows, "", "timezone: Europe/Berlin\n"
                + query("SELECT id FROM events WHERE at_tz >= :window_start AND at_tz < :window_end ORDER BY id"));
        List<Long> byInstant = ids(readAll(tz, window));
        tz.close();
        var local = source(windows, "", "timezone: Europe/Berlin\n"
                + query("SELECT id, at_local FROM events WHERE at_local >= :window_start AND at_local < :window_end ORDER BY id"));
        List<DataRecord> byLocal = readAll(local, window);

        assertThat(byInstant).containsExactly(2L, 3L);
        assertThat(ids(byLocal)).containsExactly(2L, 3L);
        assertThat(byLocal.getFirst().data().get("at_local").stringValue()).isEqualTo("2025-06-01T12:00:00+02:00");
    }

    @Test
    void on_the_day_clocks_go_back_hourly_windows_read_every_local_timestamp_once_and_inside_its_window() throws Exception {
        // Europe/Berlin goes from 03:00 CEST back to 02:00 CET at 01:00Z on 2025-10-26: local 02:00-02:59 happen twice.
        assertEveryLocalRowReadOnceInItsWindow("2025-10-26", "2025-10-25T22:00:00Z");
    }

    @Test
    void on_the_day_clocks_go_forward_hourly_windows_read_every_local_timestamp_once_and_inside_its_window() throws Exception {
        // Europe/Berlin goes from 02:00 CET to 03:00 CEST at 01:00Z on 2025-03-30: local 02:00-02:59 never happen.
        assertEveryLocalRowReadOnceInItsWindow("2025-03-30", "2025-03-29T22:00:00Z");
    }

    private void assertEveryLocalRowReadOnceInItsWindow(String day, String localMidnight) throws Exception {
        int rows;
        try (Connection c = postgres.connect()) {
            execute(c, "DELETE FROM events",
                    "INSERT INTO events SELECT row_number() OVER (), t, t AT TIME ZONE 'Europe/Berlin'"
                            + " FROM generate_series(timestamptz '" + localMidnight + "', timestamptz '" + localMidnight + "' + interval '6 hours',"
                            + " interval '10 minutes') t");
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM events")) {
                r.next();
                rows = r.getInt(1);
            }
        }
        var s = source("{cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}", "", "timezone: Europe/Berlin\n"
                + query("SELECT id, at_local FROM events WHERE at_local >= :window_start AND at_local < :window_end ORDER BY id"));

        var seen = new ArrayList<Long>();
        Instant start = Instant.parse(localMidnight).minusSeconds(3600);
        for (int h = 0; h < 9; h++) {
            var w = new TimeWindow(start.plusSeconds(h * 3600L), start.plusSeconds((h + 1) * 3600L));
            for (DataRecord r : readAll(s, w)) {
                seen.add(r.data().get("id").asLong());
                Instant at = java.time.OffsetDateTime.parse(r.data().get("at_local").stringValue()).toInstant();
                assertThat(w.contains(at)).as("%s read in %s on %s", at, w, day).isTrue();
            }
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize(rows);
    }

    @Test
    void an_id_window_reads_from_its_start_up_to_but_not_including_its_end() throws Exception {
        var s = idSource(ITEMS);

        List<Long> ids = ids(readAll(s, new IdWindow(10, 20)));

        assertThat(ids).containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
    }

    @Test
    void a_parameter_used_twice_is_bound_to_the_same_value_both_times() throws Exception {
        var s = idSource(query("SELECT id, :id_start AS lo, :id_start + 0 AS lo_again FROM items WHERE id >= :id_start AND id < :id_end ORDER BY id"));

        ObjectNode first = readAll(s, new IdWindow(5, 7)).getFirst().data();

        assertThat(first.get("lo").asLong()).isEqualTo(5);
        assertThat(first.get("lo_again").asLong()).isEqualTo(5);
    }

    @Test
    void names_inside_literals_comments_and_casts_reach_the_database_unchanged() throws Exception {
        var s = idSource(query("""
                SELECT id, ':id_start' AS quoted, $$:id_end$$ AS dollar, '7'::int AS cast -- :not_a_parameter
                FROM items WHERE id >= :id_start AND id < :id_end /* :nor_this */ ORDER BY id
                """));

        ObjectNode first = readAll(s, new IdWindow(1, 2)).getFirst().data();

        assertThat(first.get("quoted").stringValue()).isEqualTo(":id_start");
        assertThat(first.get("dollar").stringValue()).isEqualTo(":id_end");
        assertThat(first.get("cast").asLong()).isEqualTo(7);
    }

    @Test
    void pages_hold_page_size_records_and_the_last_page_has_no_next_position() throws Exception {
        var s = idSource("page_size: 300\nfetch_size: 50\n" + ITEMS);

        List<Page> pages = JdbcSourceFixture.pages(s, new IdWindow(1, 1001));

        assertThat(pages).extracting(p -> p.records().size()).containsExactly(300, 300, 300, 100);
        assertThat(pages).extracting(Page::next).containsExactly(Optional.of("300"), Optional.of("600"), Optional.of("900"), Optional.empty());
    }

    @Test
    void rows_are_fetched_as_pages_are_read_not_all_when_the_query_starts() throws Exception {
        // Row 15000 fails. Were the whole result fetched at once, the first read would fail.
        var s = source("{cursor: id, start: 1, end: 20001}", "", "page_size: 100\nfetch_size: 100\n"
                + query("SELECT i AS id, 1 / (15000 - i) AS x FROM generate_series(:id_start::int, :id_end::int - 1) i"));
        var window = new IdWindow(1, 20001);

        Page first = s.read(window, Optional.empty());
        assertThat(first.records()).hasSize(100);
        long read = first.records().size();
        Optional<String> after = first.next();
        SluiceException failure = null;
        try {
            while (after.isPresent()) {
                Page p = s.read(window, after);
                read += p.records().size();
                after = p.next();
            }
        } catch (SluiceException e) {
            failure = e;
        }

        assertThat(failure).isNotNull();
        assertThat(failure.code()).isEqualTo(ErrorCode.SOURCE_REJECTED);
        assertThat(failure.getMessage()).contains("division by zero", "22012");
        assertThat(read).isBetween(14_000L, 14_999L);
    }

    @Test
    void the_result_stays_open_between_pages_in_a_transaction_and_close_releases_it() throws Exception {
        var s = idSource("page_size: 10\n" + ITEMS);
        s.read(new IdWindow(1, 1001), Optional.empty());

        assertThat(sessions("idle in transaction")).isEqualTo(1);
        s.close();
        source = null;
        assertThat(sessions("idle in transaction")).isZero();
    }

    @Test
    void a_window_read_to_its_end_gives_its_connection_back_to_the_pool() throws Exception {
        var s = source("{cursor: id, start: 1, end: 2001, size: 1000}", "pool_size: 1\nconnect_timeout: 2s", "page_size: 100\n" + ITEMS);

        assertThat(readAll(s, new IdWindow(1, 501))).hasSize(500);
        assertThat(readAll(s, new IdWindow(501, 1001))).hasSize(500);
        assertThat(sessions("idle in transaction")).isZero();
    }

    @Test
    void reading_a_window_again_from_its_first_page_releases_the_result_an_earlier_attempt_left_open() throws Exception {
        // One connection in the pool: the retry can only run if the first attempt's connection came back.
        var s = source("{cursor: id, start: 1, end: 2001, size: 1000}", "pool_size: 1\nconnect_timeout: 2s", "page_size: 100\n" + ITEMS);
        var window = new IdWindow(1, 1001);
        s.read(window, Optional.empty());

        List<DataRecord> again = readAll(s, window);

        assertThat(ids(again)).hasSize(1000).startsWith(1L, 2L).endsWith(1000L);
    }

    @Test
    void two_windows_read_at_the_same_time_from_two_threads_each_get_their_own_rows() throws Exception {
        var s = idSource("page_size: 100\nfetch_size: 50\n" + ITEMS);
        var bothOpen = new CyclicBarrier(2);
        try (var pool = Executors.newFixedThreadPool(2)) {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (IdWindow w : List.of(new IdWindow(1, 1001), new IdWindow(1001, 2001))) {
                results.add(pool.submit(() -> {
                    var out = new ArrayList<DataRecord>();
                    Page p = s.read(w, Optional.empty());
                    out.addAll(p.records());
                    bothOpen.await(30, TimeUnit.SECONDS); // both results are open now
                    while (p.next().isPresent()) {
                        p = s.read(w, p.next());
                        out.addAll(p.records());
                    }
                    return ids(out);
                }));
            }

            assertThat(results.get(0).get(60, TimeUnit.SECONDS)).hasSize(1000).startsWith(1L).endsWith(1000L).isSorted();
            assertThat(results.get(1).get(60, TimeUnit.SECONDS)).hasSize(1000).startsWith(1001L).endsWith(2000L).isSorted();
        }
    }

    @Test
    void an_sql_error_names_the_statement_the_window_and_the_database_message_with_its_sqlstate() throws Exception {
        var s = source("{cursor: id, start: 1, end: 2001, size: 1000}", "password: not-the-real-one-42",
                "name: new_payments\n" + query("SELECT nope FROM items WHERE id >= :id_start AND id < :id_end"));

        assertFails(() -> s.read(new IdWindow(1, 10), Optional.empty()))
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.SOURCE_REJECTED))
                .hasMessageContaining("jdbc source 'new_payments'")
                .hasMessageContaining("window [1, 10)")
                .hasMessageContaining("column \"nope\" does not exist")
                .hasMessageContaining("SQLState 42703")
                .hasMessageNotContaining("not-the-real-one-42");
    }

    @Test
    void a_query_that_returns_two_columns_with_one_label_is_refused_naming_the_label() throws Exception {
        var s = idSource(query("SELECT a.id, b.id FROM items a JOIN items b ON b.id = a.id WHERE a.id >= :id_start AND a.id < :id_end"));

        assertFails(() -> s.read(new IdWindow(1, 10), Optional.empty()))
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.SOURCE_REJECTED))
                .hasMessageContaining("the column label 'id' 2 times (columns 1, 2)");
    }

    @Test
    void a_query_slower_than_query_timeout_is_cancelled_and_fails_the_window() throws Exception {
        var s = idSource("query_timeout: 1s\n" + query("SELECT id, pg_sleep(30) AS z FROM items WHERE id >= :id_start AND id < :id_end"));

        assertFails(() -> s.read(new IdWindow(1, 3), Optional.empty()))
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE))
                .hasMessageContaining("57014");
    }

    @Test
    void a_server_that_cannot_be_reached_fails_the_window_as_unavailable_with_the_url_and_no_password() throws Exception {
        source = JdbcSourceFixture.open(dir, pipeline("{cursor: id, start: 1, end: 2001, size: 1000}",
                "jdbc:postgresql://127.0.0.1:1/nowhere?password=hunter2-secret", "connect_timeout: 1s", ITEMS));

        assertFails(() -> source.read(new IdWindow(1, 10), Optional.empty()))
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE))
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/nowhere?password=***")
                .hasMessageContaining("refused")
                .hasMessageNotContaining("hunter2-secret");
    }

    /** Sessions of the source (application_name sluice) in this test's database, in {@code state}. */
    private static int sessions(String state) throws Exception {
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND application_name = 'sluice' AND state = '" + state + "'")) {
            r.next();
            return r.getInt(1);
        }
    }
}
