package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The deterministic data set of the demo API, so that tests compute the exact records they expect without a server.
 *
 * <p>Record {@code i} (0-based) has id {@code i + 1} and {@code updated_at = start + i * spacing}. Every field is
 * computed from the seed and the id alone, so nothing is held in memory and ten million records cost nothing:
 * <pre>{"id": 7, "updated_at": "2025-01-01T00:06:00Z", "name": "item-7", "category": "supplies",
 *  "amount": 1234.50, "lot": "LOT-0007", "note": "ember quartz ..."}</pre>
 * The note pads each record to 300-500 bytes of JSON. {@link #json(long)} is the text the server sends, byte for
 * byte; {@link #record(long)} is that text as a default Jackson mapper reads it. Lists returned here are lazy views:
 * each {@code get} computes a fresh record, which the caller may change.
 */
public final class DemoData {
    static final List<String> CATEGORIES = List.of("hardware", "software", "services", "supplies", "training");
    /** Lots are named by {@code id % LOTS}. */
    static final int LOTS = 97;
    private static final List<String> WORDS = List.of("amber", "basalt", "cedar", "delta", "ember", "fjord", "garnet",
            "harbor", "indigo", "juniper", "kelp", "lantern", "meadow", "nickel", "onyx", "pebble", "quartz", "river",
            "saffron", "timber", "umber", "valley", "willow", "zephyr");
    private static final List<String> OPERATIONS = List.of("cut", "drill", "weld", "paint", "inspect", "pack");
    private static final Pattern LOT_NAME = Pattern.compile("LOT-(\\d{4})");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final long seed;
    private final Instant start;
    private final long spacingNanos;
    private final long count;

    private DemoData(long seed, Instant start, Duration spacing, long count) {
        this.seed = seed;
        this.start = start;
        this.spacingNanos = spacing.toNanos();
        this.count = count;
    }

    public static DemoData of(DemoApiOptions options) {
        requireNonNull(options, "options is null");
        return new DemoData(options.seed(), options.start(), options.spacing(), options.count());
    }

    public long count() {
        return count;
    }

    /** When the record with this id was updated; ids run from 1 to {@link #count()}. */
    public Instant updatedAt(long id) {
        checkId(id);
        return start.plusNanos((id - 1) * spacingNanos);
    }

    /**
     * The record exactly as the server sends it: compact JSON, fields in a fixed order, the amount with two decimals.
     * Every value is plain ASCII without quotes or backslashes, so nothing needs escaping.
     */
    public String json(long id) {
        checkId(id);
        long cents = Math.floorMod(hash(id, 2), 10_000_000L);
        return new StringBuilder(512).append("{\"id\":").append(id)
                .append(",\"updated_at\":\"").append(updatedAt(id))
                .append("\",\"name\":\"item-").append(id)
                .append("\",\"category\":\"").append(category(id))
                .append("\",\"amount\":").append(cents / 100).append('.').append(cents % 100 < 10 ? "0" : "").append(cents % 100)
                .append(",\"lot\":\"").append(lotName(id % LOTS))
                .append("\",\"note\":\"").append(note(id)).append("\"}").toString();
    }

    /**
     * The record as a default Jackson mapper reads it from the server's answer (so the id is an int node and the
     * amount a double node): a client's parsed records compare equal to these.
     */
    public ObjectNode record(long id) {
        return (ObjectNode) JsonMapper.shared().readTree(json(id));
    }

    /** The records with {@code from <= updated_at < toExclusive}, in id order. */
    public List<ObjectNode> between(Instant from, Instant toExclusive) {
        return records(indexAtOrAfter(from), indexAtOrAfter(toExclusive));
    }

    public long recordsBetweenCount(Instant from, Instant toExclusive) {
        return Math.max(0, indexAtOrAfter(toExclusive) - indexAtOrAfter(from));
    }

    /** Records with index in {@code [fromIndex, toIndex)}; empty when the range is empty. */
    private List<ObjectNode> records(long fromIndex, long toIndex) {
        int size = Math.toIntExact(Math.max(0, toIndex - fromIndex));
        return new AbstractList<>() {
            @Override
            public ObjectNode get(int i) {
                return record(fromIndex + Objects.checkIndex(i, size) + 1);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** The index of the first record at or after {@code t}; {@code count} when there is none. */
    long indexAtOrAfter(Instant t) {
        if (!t.isAfter(start))
            return 0;
        if (!t.isBefore(start.plusNanos(spacingNanos * count)))
            return count;
        return Math.ceilDiv(Duration.between(start, t).toNanos(), spacingNanos);
    }

    /** The index of the first record strictly after {@code t}; {@code count} when there is none. */
    long indexAfter(Instant t) {
        long i = indexAtOrAfter(t);
        return i < count && start.plusNanos(i * spacingNanos).equals(t) ? i + 1 : i;
    }

    /** The answer of {@code /details/{id}} or {@code /details-fallback/{id}}: empty for every 4th or 12th id. */
    Optional<ObjectNode> detail(long id, boolean fallback) {
        checkId(id);
        if (id % (fallback ? 12 : 4) == 0)
            return Optional.empty();
        String source = fallback ? "fallback" : "primary";
        return Optional.of(JSON.objectNode().put("id", id)
                .put("detail", source + " detail of item-" + id + ", a " + category(id) + " item")
                .put("source", source));
    }

    /** The answer of {@code /lots/{lot}} for a lot named {@code LOT-0000} to {@code LOT-0096}. */
    Optional<ObjectNode> lot(String name) {
        var m = LOT_NAME.matcher(name);
        if (!m.matches() || Integer.parseInt(m.group(1)) >= LOTS)
            return Optional.empty();
        int lot = Integer.parseInt(m.group(1));
        ObjectNode answer = JSON.objectNode().put("lot", name).put("product", "P-" + (1000 + Math.floorMod(hash(lot, 10), 9000)));
        var items = answer.putArray("items");
        int steps = 2 + (int) Math.floorMod(hash(lot, 11), 3L);
        for (int step = 1; step <= steps; step++) {
            long key = lot * 8L + step;
            items.addObject().put("step", step)
                    .put("operation", OPERATIONS.get((int) Math.floorMod(hash(key, 12), (long) OPERATIONS.size())))
                    .put("minutes", 5 + Math.floorMod(hash(key, 13), 56));
        }
        return Optional.of(answer);
    }

    static String lotName(long lot) {
        String digits = Long.toString(lot);
        return "LOT-" + "0".repeat(Math.max(0, 4 - digits.length())) + digits;
    }

    private String category(long id) {
        return CATEGORIES.get((int) Math.floorMod(hash(id, 1), (long) CATEGORIES.size()));
    }

    private String note(long id) {
        long state = hash(id, 3);
        int target = 180 + (int) Math.floorMod(state, 160L);
        var note = new StringBuilder(target);
        while (true) {
            state = mix(state + 0x9E3779B97F4A7C15L);
            String word = WORDS.get((int) Math.floorMod(state, (long) WORDS.size()));
            if (note.length() + 1 + word.length() > target)
                return note.toString();
            if (!note.isEmpty())
                note.append(' ');
            note.append(word);
        }
    }

    private long hash(long key, long salt) {
        return mix(seed ^ mix(key * 0x9E3779B97F4A7C15L + salt));
    }

    /** SplitMix64's finaliser: a cheap, well-spread bijection of longs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void checkId(long id) {
        if (id < 1 || id > count)
            throw new IllegalArgumentException("id must be 1 to " + count + ", got " + id);
    }
}
