package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MasterControlApiTest {
    private static DemoApi api;
    private static MasterControlData data;
    private static Client client;

    @BeforeAll
    static void start() throws Exception {
        api = DemoApi.start(DemoApiOptions.masterControl());
        data = api.masterControl();
        client = new Client(api);
    }

    @AfterAll
    static void stop() {
        client.close();
        api.close();
    }

    @Test
    void paging_through_a_records_captures_returns_every_capture_once_in_order() {
        var captures = data.captures(42);

        List<JsonNode> rows = all("/production-record-data-captures?productionRecordId=42", 3);

        assertThat(rows).extracting(r -> r.get("id").asLong()).containsExactlyElementsOf(captures.stream().map(MasterControlData.DataCapture::id).toList());
    }

    @Test
    void a_page_tells_its_number_size_and_the_totals() {
        int total = data.captures(42).size();

        var page = json("/production-record-data-captures?productionRecordId=42&pageNumber=2&pageSize=5");

        assertThat(page.get("pageNumber").asLong()).isEqualTo(2);
        assertThat(page.get("pageSize").asLong()).isEqualTo(5);
        assertThat(page.get("totalCount").asLong()).isEqualTo(total);
        assertThat(page.get("totalPages").asLong()).isEqualTo(Math.ceilDiv(total, 5));
    }

    @Test
    void a_capture_has_the_fields_the_seed_reads() {
        var capture = data.captures(42).get(1);

        var row = json("/production-record-data-captures?productionRecordId=42").get("data").get(1);

        assertThat(row.get("dateTime").asString()).isEqualTo(capture.dateTime().toString()).endsWith("Z");
        assertThat(row.get("orderLabel").asString()).isEqualTo(capture.orderLabel());
        assertThat(row.get("title").asString()).isEqualTo(capture.title());
        assertThat(row.get("value").asString()).isEqualTo(capture.value());
        assertThat(row.get("userName").asString()).isEqualTo(capture.userName());
        assertThat(row.get("actionTaken").asString()).isEqualTo(capture.actionTaken());
        assertThat(row.get("dataCaptureName").asString()).isEqualTo(capture.dataCaptureName());
        assertThat(row.get("structureId").asLong()).isEqualTo(capture.structureId());
    }

    @Test
    void the_batch_record_creation_capture_carries_the_lot_number() {
        var first = json("/production-record-data-captures?productionRecordId=42").get("data").get(0);

        assertThat(first.get("dataCaptureName").asString()).isEqualTo("BATCH_RECORD_CREATION");
        assertThat(first.get("value").asString()).isEqualTo(data.lotOf(42).lotNumber());
    }

    @Test
    void a_record_beyond_the_last_has_no_captures() {
        assertThat(json("/production-record-data-captures?productionRecordId=60001").get("data")).isEmpty();
    }

    @Test
    void batch_records_answer_every_record_of_a_lot_with_product_name_product_id_and_status() {
        var lot = lotWhere(l -> !data.primaryEmpty(l.lotNumber()) && l.productionRecordIds().size() > 1);

        var rows = json("/batch-records/production-records-list?lotNumber=" + lot.lotNumber()).get("data");

        assertThat(rows).extracting(r -> r.get("productionRecordId").asLong()).containsExactlyElementsOf(lot.productionRecordIds());
        assertThat(rows.get(0).get("productName").asString()).isEqualTo(lot.masterTemplateName());
        assertThat(rows.get(0).get("lotNumber").asString()).isEqualTo(lot.lotNumber());
        assertThat(rows.get(0).get("productId").asString()).isEqualTo(lot.productId());
        assertThat(rows.get(0).get("status").asString()).isEqualTo(lot.status());
    }

    @Test
    void batch_records_are_empty_for_every_seventh_lot_so_the_fallback_is_needed() {
        var lot = lotWhere(l -> l.index() % 7 == 0 && l.index() % 23 != 0);

        assertThat(json("/batch-records/production-records-list?lotNumber=" + lot.lotNumber()).get("data")).isEmpty();
    }

    @Test
    void the_fallback_answers_a_primary_empty_lot_under_its_own_field_names() {
        var lot = lotWhere(l -> data.primaryEmpty(l.lotNumber()) && !data.bothEmpty(l.lotNumber()));

        var row = json("/data-captures?lotNumber=" + lot.lotNumber()).get("data").get(0);

        assertThat(row.get("masterTemplateName").asString()).isEqualTo(lot.masterTemplateName());
        assertThat(row.get("productionRecordStatus").asString()).isEqualTo(lot.status());
        assertThat(row.get("productId").asString()).isEqualTo(lot.productId());
        assertThat(row.get("lotNumber").asString()).isEqualTo(lot.lotNumber());
        assertThat(row.has("productName")).isFalse();
        assertThat(row.has("status")).isFalse();
    }

    @Test
    void both_batch_records_and_the_fallback_are_empty_for_every_twenty_third_lot() {
        var lot = lotWhere(l -> l.index() % 23 == 0);

        assertThat(json("/batch-records/production-records-list?lotNumber=" + lot.lotNumber()).get("data")).isEmpty();
        assertThat(json("/data-captures?lotNumber=" + lot.lotNumber()).get("data")).isEmpty();
    }

    @Test
    void structures_name_unit_procedures_operations_and_phases_by_title_and_level() {
        var rows = json("/production-records/42/structures").get("data");

        assertThat(rows).extracting(r -> r.get("level").asString()).contains("UNIT_PROCEDURE", "OPERATION", "PHASE");
        assertThat(rows).extracting(r -> r.get("title").asString())
                .containsExactlyElementsOf(data.structure(42).stream().map(MasterControlData.StructureNode::title).toList());
    }

    @Test
    void an_unknown_records_structures_are_a_404() {
        assertThat(client.get("/production-records/60001/structures").statusCode()).isEqualTo(404);
    }

    @Test
    void some_captures_are_performed_by_vod_system_users() {
        var users = new TreeSet<String>();
        for (long id = 1; id <= 20; id++)
            all("/production-record-data-captures?productionRecordId=" + id, 100).forEach(r -> users.add(r.get("userName").asString()));

        assertThat(users).contains("VOD_SYSTEM", "VOD_AUTOMATION").anyMatch(u -> u.startsWith("operator."));
    }

    @Test
    void repeated_steps_carry_iterations_and_single_steps_none() {
        var iterations = new TreeSet<String>();
        for (long id = 1; id <= 20; id++)
            all("/production-record-data-captures?productionRecordId=" + id, 100).forEach(r -> iterations.add(r.get("iteration").toString()));

        assertThat(iterations).contains("null", "1", "2", "3");
    }

    @Test
    void discovery_by_modification_range_returns_exactly_the_records_modified_in_it() {
        Instant from = Instant.parse("2025-01-10T06:00:00Z"), to = from.plus(Duration.ofHours(6));
        var expected = new TreeSet<Long>();
        for (long id = 1; id <= data.count(); id++)
            if (!data.modifiedAt(id).isBefore(from) && data.modifiedAt(id).isBefore(to))
                expected.add(id);

        var found = new TreeSet<Long>();
        all("/production-record-data-captures?modifiedFrom=" + from + "&modifiedTo=" + to, 1000)
                .forEach(r -> found.add(r.get("productionRecordId").asLong()));

        assertThat(expected).hasSizeGreaterThan(300);
        assertThat(found).isEqualTo(expected);
    }

    @Test
    void a_modification_range_includes_its_start_and_excludes_its_end() {
        Instant at = data.modifiedAt(5000);

        Set<Long> starting = recordsModified(at, at.plusSeconds(1));
        Set<Long> ending = recordsModified(at.minusSeconds(60), at);

        assertThat(starting).contains(5000L);
        assertThat(ending).doesNotContain(5000L);
    }

    @Test
    void the_demo_records_are_not_served_in_the_mastercontrol_profile() {
        assertThat(client.get("/page/records").statusCode()).isEqualTo(404);
    }

    @Test
    void a_fault_injected_on_a_mastercontrol_path_applies_to_it_only() {
        var lot = lotWhere(l -> !data.primaryEmpty(l.lotNumber()));
        api.faults().add("503x2@/batch-records");
        try {
            String path = "/batch-records/production-records-list?lotNumber=" + lot.lotNumber();

            assertThat(client.get("/production-records/42/structures").statusCode()).isEqualTo(200);
            assertThat(client.get(path).statusCode()).isEqualTo(503);
            assertThat(client.get(path).statusCode()).isEqualTo(503);
            assertThat(client.get(path).statusCode()).isEqualTo(200);
        } finally {
            api.faults().clear();
        }
    }

    @Test
    void the_mastercontrol_endpoints_require_the_servers_credentials() throws Exception {
        try (var secured = DemoApi.start(DemoApiOptions.masterControl().withAuth(AuthMode.BEARER)); var c = new Client(secured)) {
            String path = "/production-records/42/structures";

            assertThat(c.get(path).statusCode()).isEqualTo(401);
            assertThat(c.get(path, "Authorization", "Bearer " + DemoApi.BEARER_TOKEN).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void structures_are_counted_under_one_route_template() {
        long before = api.stats().requests("/production-records/{id}/structures");

        client.get("/production-records/43/structures");
        client.get("/production-records/44/structures");

        assertThat(api.stats().requests("/production-records/{id}/structures")).isEqualTo(before + 2);
    }

    @Test
    void the_last_of_sixty_thousand_records_is_served() {
        var rows = json("/production-record-data-captures?productionRecordId=60000").get("data");

        assertThat(rows.get(0).get("value").asString()).isEqualTo(data.lotOf(60_000).lotNumber());
    }

    private Set<Long> recordsModified(Instant from, Instant to) {
        var ids = new LinkedHashSet<Long>();
        all("/production-record-data-captures?modifiedFrom=" + from + "&modifiedTo=" + to, 1000)
                .forEach(r -> ids.add(r.get("productionRecordId").asLong()));
        return ids;
    }

    /** The first lot (by record id) that matches. */
    private static MasterControlData.Lot lotWhere(Predicate<MasterControlData.Lot> test) {
        for (long id = 1; id <= data.count(); id++) {
            var lot = data.lotOf(id);
            if (test.test(lot))
                return lot;
        }
        throw new AssertionError("no lot matches");
    }

    /** Every row of a paginated list, page after page until totalPages. */
    private static List<JsonNode> all(String pathAndQuery, int pageSize) {
        var rows = new ArrayList<JsonNode>();
        for (int page = 1; ; page++) {
            var body = json(pathAndQuery + "&pageSize=" + pageSize + "&pageNumber=" + page);
            body.get("data").forEach(rows::add);
            if (page >= body.get("totalPages").asLong())
                return rows;
        }
    }

    private static JsonNode json(String pathAndQuery) {
        var response = client.get(pathAndQuery);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Client.json(response);
    }
}
