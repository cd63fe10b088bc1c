package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LookupTest {
    private static DemoApi api;
    private static Client client;

    @BeforeAll
    static void start() throws Exception {
        api = DemoApi.start(DemoApiOptions.defaults());
        client = new Client(api);
    }

    @AfterAll
    static void stop() {
        client.close();
        api.close();
    }

    @Test
    void details_answer_one_primary_detail() {
        var data = json("/details/7").get("data");

        assertThat(data).hasSize(1);
        assertThat(data.get(0).get("id").asLong()).isEqualTo(7);
        assertThat(data.get(0).get("source").asString()).isEqualTo("primary");
        assertThat(data.get(0).get("detail").asString()).contains("item-7");
    }

    @Test
    void details_are_empty_for_every_fourth_id() {
        assertThat(json("/details/8").get("data")).isEmpty();
    }

    @Test
    void fallback_details_answer_ids_divisible_by_four_but_not_twelve() {
        var data = json("/details-fallback/8").get("data");

        assertThat(data.get(0).get("source").asString()).isEqualTo("fallback");
    }

    @Test
    void fallback_details_are_empty_for_every_twelfth_id() {
        assertThat(json("/details-fallback/24").get("data")).isEmpty();
    }

    @Test
    void optional_is_always_a_400() {
        var response = client.get("/optional/5");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Client.json(response).get("error").asString()).isEqualTo("not available for this record");
    }

    @Test
    void a_lot_has_two_to_four_numbered_steps() {
        var lot = json("/lots/LOT-0042");

        assertThat(lot.get("lot").asString()).isEqualTo("LOT-0042");
        assertThat(lot.get("product").asString()).matches("P-\\d{4}");
        assertThat(lot.get("items").size()).isBetween(2, 4);
        for (int i = 0; i < lot.get("items").size(); i++)
            assertThat(lot.get("items").get(i).get("step").asInt()).isEqualTo(i + 1);
    }

    @Test
    void every_lot_name_of_a_record_can_be_looked_up() {
        String lot = api.data().record(96).get("lot").asString();

        assertThat(client.get("/lots/" + lot).statusCode()).isEqualTo(200);
    }

    @Test
    void an_unknown_lot_is_a_404() {
        assertThat(client.get("/lots/LOT-0097").statusCode()).isEqualTo(404);
    }

    @Test
    void an_id_that_is_not_a_number_is_a_400() {
        assertThat(client.get("/details/seven").statusCode()).isEqualTo(400);
    }

    @Test
    void an_unknown_path_is_a_json_404() {
        var response = client.get("/nothing/here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Client.json(response).get("error").asString()).startsWith("no such path /nothing/here");
    }

    @Test
    void a_post_to_a_data_endpoint_is_a_405() {
        var response = client.post("/page/records", "application/json", "{}");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).contains("GET");
    }

    private static JsonNode json(String path) {
        var response = client.get(path);
        assertThat(response.statusCode()).isEqualTo(200);
        return Client.json(response);
    }
}
