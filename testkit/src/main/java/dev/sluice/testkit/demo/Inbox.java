package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Payloads posted to {@code /inbox/{name}}, kept in memory in the order they arrived. A payload whose
 * {@code Idempotency-Key} was seen before in the same inbox is counted but not kept again, as a receiver
 * that honours idempotency keys would do.
 */
public final class Inbox {
    /** One payload as received. */
    public record Delivery(String inbox, Optional<String> idempotencyKey, String method, JsonNode body, Instant receivedAt) {
        public Delivery {
            requireNonNull(inbox, "inbox is null");
            requireNonNull(idempotencyKey, "idempotencyKey is null");
            requireNonNull(body, "body is null");
        }
    }

    private final Map<String, List<Delivery>> kept = new LinkedHashMap<>();
    private final Map<String, Set<String>> keys = new LinkedHashMap<>();
    private long duplicates;

    /** Keeps {@code delivery} unless its key was seen; returns whether it was a duplicate. */
    synchronized boolean receive(Delivery delivery) {
        if (delivery.idempotencyKey().isPresent()
                && !keys.computeIfAbsent(delivery.inbox(), k -> new HashSet<>()).add(delivery.idempotencyKey().get())) {
            duplicates++;
            return true;
        }
        kept.computeIfAbsent(delivery.inbox(), k -> new ArrayList<>()).add(delivery);
        return false;
    }

    /** What {@code name} kept, oldest first. */
    public synchronized List<Delivery> deliveries(String name) {
        return List.copyOf(kept.getOrDefault(name, List.of()));
    }

    /** How many payloads were dropped as repeats of an idempotency key, over all inboxes. */
    public synchronized long duplicates() {
        return duplicates;
    }
}
