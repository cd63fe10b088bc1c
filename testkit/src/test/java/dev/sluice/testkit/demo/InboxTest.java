package dev.sluice.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The inbox: a receiver for sinks that post, which drops repeats of an idempotency key. */
class InboxTest {
    @Test
    void posted_payloads_are_kept_in_order_and_listed() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults()); var client = new Client(api)) {
            assertThat(client.post("/inbox/incidents", "application/json", "{\"n\": 1}").statusCode()).isEqualTo(200);
            client.post("/inbox/incidents", "application/json", "[]");
            client.post("/inbox/other", "application/json", "{\"n\": 3}");

            var listed = Client.json(client.get("/inbox/incidents")).get("payloads");
            assertThat(listed).hasSize(2);
            assertThat(listed.get(0).get("body").get("n").asInt()).isEqualTo(1);
            assertThat(listed.get(1).get("body").isArray()).isTrue();
            assertThat(api.inbox().deliveries("other")).hasSize(1);
        }
    }

    @Test
    void a_repeated_idempotency_key_is_acknowledged_but_kept_once() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults()); var client = new Client(api)) {
            client.post("/inbox/x", "application/json", "{\"n\": 1}", "Idempotency-Key", "p/w/1");
            var again = client.post("/inbox/x", "application/json", "{\"n\": 1}", "Idempotency-Key", "p/w/1");

            assertThat(Client.json(again).get("duplicate").asBoolean()).isTrue();
            assertThat(api.inbox().deliveries("x")).hasSize(1);
            assertThat(api.inbox().duplicates()).isEqualTo(1);
        }
    }

    @Test
    void a_body_that_is_not_json_is_refused_with_400() throws Exception {
        try (var api = DemoApi.start(DemoApiOptions.defaults()); var client = new Client(api)) {
            var answer = client.post("/inbox/x", "application/json", "not json");
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("not JSON");
            assertThat(api.inbox().deliveries("x")).isEmpty();
        }
    }
}
