package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The deterministic data of the MasterControl profile, so that tests compute exactly what a pipeline should write
 * without a server. Pure: every value comes from the seed and an id alone, so nothing is held in memory and any
 * number of production records costs nothing until asked for.
 *
 * <h2>Production records and lots</h2>
 * Production records have ids 1 to {@link #count()}. Ids are grouped in blocks of four ({@code (id - 1) / 4 = b});
 * a block is one lot of four records, or two lots split after the first, second or third record, as the seed
 * says. The lots of block {@code b} have the indexes {@code 2b} and {@code 2b + 1} (the second only when the
 * block is split) and the numbers {@code LOT-} and the index in six or more digits, e.g. {@code LOT-000042}.
 * All records of a lot share its master template name, product id and status.
 *
 * <h2>Which lots answer empty</h2>
 * <ul>
 * <li>The batch-records API answers empty for lots whose index is a multiple of {@value #PRIMARY_EMPTY_EVERY}
 *     or of {@value #BOTH_EMPTY_EVERY} ({@link #primaryEmpty(String)}): their metadata must come from the fallback.
 * <li>The data-captures-by-lot fallback answers empty for lots whose index is a multiple of
 *     {@value #BOTH_EMPTY_EVERY} ({@link #bothEmpty(String)}): both answer empty, and the seed reports
 *     "Both API calls returned empty".
 * </ul>
 *
 * <h2>Modification times</h2>
 * Record {@code id} is modified at {@code start + (id - 1) * spacing} plus a jitter of less than four spacings,
 * truncated to the second, so neighbouring records are modified out of order and a range of times finds a
 * scattered set of ids ({@link #modifiedBetween(Instant, Instant)}). With the defaults (one minute apart) a
 * 6-hour window finds about 360 records.
 *
 * <h2>Structure and data captures</h2>
 * A record has one or two unit procedures, each with one to three operations, each with one to three phases.
 * Its first data capture is {@code BATCH_RECORD_CREATION} by {@value #SYSTEM_USER}, with the lot number as its
 * value; then each phase has one or two steps, and every fifth step or so is repeated two or three times with
 * iterations 1, 2, 3 (a step done once has no iteration). About one capture in eight is performed by
 * {@value #AUTOMATION_USER}; the others by {@code operator.001} to {@code operator.040}. Capture times run evenly
 * from the record's creation (2 to 10 hours earlier) to its modification time, which is the last capture's time.
 */
public final class MasterControlData {
    /** The seed's default number of production records. */
    public static final long DEFAULT_RECORDS = 60_000;
    public static final int PRIMARY_EMPTY_EVERY = 7;
    public static final int BOTH_EMPTY_EVERY = 23;
    public static final String BATCH_RECORD_CREATION = "BATCH_RECORD_CREATION";
    public static final String SYSTEM_USER = "VOD_SYSTEM";
    public static final String AUTOMATION_USER = "VOD_AUTOMATION";

    private static final int BLOCK = 4;
    /** A record is modified less than this many spacings after its base time. */
    private static final int JITTER_SPACINGS = 4;
    /** Structure node and capture ids are the record id times this plus a position, so they are unique. */
    private static final long ID_SPACE = 1000;
    private static final Pattern LOT_NUMBER = Pattern.compile("LOT-(\\d{6,18})");
    private static final List<String> TEMPLATES = List.of("Tablet Compression Template v2.1",
            "Oral Suspension Template v1.4", "Capsule Filling Template v3.0", "Sterile Fill Template v1.2",
            "Granulation Template v2.7");
    private static final List<String> STATUSES = List.of("In Progress", "Completed", "Under Review", "Approved");
    private static final List<String> UNITS = List.of("Dispensing", "Granulation", "Blending", "Compression",
            "Coating", "Packaging");
    private static final List<String> OPERATIONS = List.of("Line Clearance", "Equipment Setup", "Weigh Materials",
            "Mix", "In-Process Check", "Cleaning");
    private static final List<String> PHASES = List.of("Verify Equipment", "Record Weights", "Add Materials",
            "Check Temperature", "Take Sample", "Sign Off");
    private static final List<Kind> KINDS = List.of(
            new Kind("WEIGHT", "Record weight", "Manual Data Entry"),
            new Kind("TEMPERATURE", "Record temperature", "Manual Data Entry"),
            new Kind("MATERIAL_ADDITION", "Add material", "Material Added"),
            new Kind("CHECKBOX", "Confirm step done", "Verified"),
            new Kind("SIGNATURE", "Sign step", "Signed"));

    private final long seed;
    private final Instant start;
    private final Duration spacing;
    private final long count;

    /** The data of these options: their seed, start, spacing and count (the number of production records). */
    public static MasterControlData of(DemoApiOptions options) {
        return new MasterControlData(requireNonNull(options, "options is null"));
    }

    private MasterControlData(DemoApiOptions options) {
        seed = options.seed();
        start = options.start();
        spacing = options.spacing();
        count = options.count();
    }

    public long count() {
        return count;
    }

    public enum Level { UNIT_PROCEDURE, OPERATION, PHASE }

    /** A node of a record's structure; {@code parentId} is empty for unit procedures. */
    public record StructureNode(long id, Optional<Long> parentId, String title, Level level, String orderLabel) {
        public StructureNode {
            requireNonNull(parentId, "parentId is null");
            requireNonNull(title, "title is null");
            requireNonNull(level, "level is null");
            requireNonNull(orderLabel, "orderLabel is null");
        }
    }

    /** One data capture of a production record; {@code structureId} is the phase it belongs to. */
    public record DataCapture(long id, long productionRecordId, Instant dateTime, String orderLabel, String title,
            String value, String userName, String actionTaken, String dataCaptureName, long structureId, OptionalInt iteration) {
        public DataCapture {
            requireNonNull(dateTime, "dateTime is null");
            requireNonNull(iteration, "iteration is null");
        }
    }

    /** A lot: its production records (consecutive ids) and the metadata they share. */
    public record Lot(String lotNumber, long index, List<Long> productionRecordIds, String masterTemplateName,
            String productId, String status) {
        public Lot {
            productionRecordIds = List.copyOf(productionRecordIds);
        }
    }

    /** A production record with its lot's metadata, its modification time and its structure, in order. */
    public record ProductionRecord(long id, String lotNumber, String masterTemplateName, String productId, String status,
            Instant modifiedAt, List<StructureNode> structure) {
        public ProductionRecord {
            structure = List.copyOf(structure);
        }
    }

    public ProductionRecord record(long id) {
        checkId(id);
        Lot lot = lotOf(id);
        return new ProductionRecord(id, lot.lotNumber(), lot.masterTemplateName(), lot.productId(), lot.status(),
                modifiedAt(id), structure(id));
    }

    /** When the record was last modified: the time of its last data capture. */
    public Instant modifiedAt(long id) {
        checkId(id);
        long jitter = Math.floorMod(hash(id, 1), JITTER_SPACINGS * spacing.toNanos());
        return start.plus(spacing.multipliedBy(id - 1)).plusNanos(jitter).truncatedTo(ChronoUnit.SECONDS);
    }

    /** Unit procedures, each followed by its operations, each followed by its phases. */
    public List<StructureNode> structure(long id) {
        checkId(id);
        var nodes = new ArrayList<StructureNode>();
        int units = 1 + pick(id * ID_SPACE, 2, 2);
        for (int u = 1; u <= units; u++) {
            var unit = node(id, nodes, Optional.empty(), UNITS, Level.UNIT_PROCEDURE, Integer.toString(u));
            int operations = 1 + pick(unit.id(), 2, 3);
            for (int o = 1; o <= operations; o++) {
                var operation = node(id, nodes, Optional.of(unit.id()), OPERATIONS, Level.OPERATION, unit.orderLabel() + "." + o);
                int phases = 1 + pick(operation.id(), 2, 3);
                for (int p = 1; p <= phases; p++)
                    node(id, nodes, Optional.of(operation.id()), PHASES, Level.PHASE, operation.orderLabel() + "." + p);
            }
        }
        return nodes;
    }

    /** The record's data captures in time order, the {@value #BATCH_RECORD_CREATION} first. */
    public List<DataCapture> captures(long id) {
        List<StructureNode> phases = structure(id).stream().filter(n -> n.level() == Level.PHASE).toList();
        var steps = new ArrayList<Step>();
        for (StructureNode phase : phases) {
            int count = 1 + pick(phase.id(), 3, 2);
            for (int s = 1; s <= count; s++) {
                long key = phase.id() * 8 + s;
                boolean repeated = pick(key, 4, 5) == 0;
                int times = repeated ? 2 + pick(key, 5, 2) : 1;
                for (int i = 1; i <= times; i++)
                    steps.add(new Step(phase, phase.orderLabel() + "." + s, KINDS.get(pick(key, 6, KINDS.size())),
                            repeated ? OptionalInt.of(i) : OptionalInt.empty(), key * 4 + i));
            }
        }
        Instant modified = modifiedAt(id);
        Duration span = Duration.ofMinutes(120 + pick(id, 7, 481));
        Instant created = modified.minus(span);
        String lotNumber = lotOf(id).lotNumber();
        var captures = new ArrayList<DataCapture>(steps.size() + 1);
        captures.add(new DataCapture(id * ID_SPACE, id, created, phases.getFirst().orderLabel(), "Batch record created",
                lotNumber, SYSTEM_USER, "Created", BATCH_RECORD_CREATION, phases.getFirst().id(), OptionalInt.empty()));
        for (int k = 1; k <= steps.size(); k++) {
            Step step = steps.get(k - 1);
            Instant at = created.plus(span.multipliedBy(k).dividedBy(steps.size())).truncatedTo(ChronoUnit.SECONDS);
            captures.add(new DataCapture(id * ID_SPACE + k, id, at, step.orderLabel(), step.kind().title() + " " + step.orderLabel(),
                    value(step), user(step.key()), step.kind().action(), step.kind().name(), step.phase().id(), step.iteration()));
        }
        return captures;
    }

    /** The lot of this number, if there is one. */
    public Optional<Lot> lot(String lotNumber) {
        requireNonNull(lotNumber, "lotNumber is null");
        var m = LOT_NUMBER.matcher(lotNumber);
        if (!m.matches())
            return Optional.empty();
        long index = Long.parseLong(m.group(1));
        long block = index / 2;
        if (block > (count - 1) / BLOCK)
            return Optional.empty();
        long first = block * BLOCK + 1, last = Math.min(count, first + BLOCK - 1);
        int split = split(block);
        if (index % 2 == 1 && (split == 0 || first + split > last))
            return Optional.empty();
        if (index % 2 == 0 && split > 0)
            last = Math.min(last, first + split - 1);
        else if (index % 2 == 1)
            first = first + split;
        var ids = new ArrayList<Long>();
        for (long id = first; id <= last; id++)
            ids.add(id);
        return Optional.of(new Lot(lotNumber(index), index, ids, TEMPLATES.get(pick(index, 8, TEMPLATES.size())),
                "PROD-" + (10_000 + pick(index, 9, 90_000)), STATUSES.get(pick(index, 10, STATUSES.size()))));
    }

    /** The lot the record belongs to. */
    public Lot lotOf(long id) {
        checkId(id);
        long block = (id - 1) / BLOCK;
        int split = split(block);
        long index = split > 0 && (id - 1) % BLOCK >= split ? block * 2 + 1 : block * 2;
        return lot(lotNumber(index)).orElseThrow();
    }

    /** Whether the batch-records API answers empty for this lot (so the fallback is needed); true for unknown lots. */
    public boolean primaryEmpty(String lotNumber) {
        return lot(lotNumber).map(l -> l.index() % PRIMARY_EMPTY_EVERY == 0 || l.index() % BOTH_EMPTY_EVERY == 0).orElse(true);
    }

    /** Whether the fallback, data captures by lot, answers empty too; true for unknown lots. */
    public boolean bothEmpty(String lotNumber) {
        return lot(lotNumber).map(l -> l.index() % BOTH_EMPTY_EVERY == 0).orElse(true);
    }

    /** The ids of the records modified in {@code [from, to)}, by modification time and then id. */
    public List<Long> modifiedBetween(Instant from, Instant toExclusive) {
        requireNonNull(from, "from is null");
        requireNonNull(toExclusive, "toExclusive is null");
        if (count == 0 || !from.isBefore(toExclusive))
            return List.of();
        // A record is modified at most four spacings after its base time and never before it (less one truncated second).
        long lo = Math.max(1, idAtOrBefore(from) - JITTER_SPACINGS - 1);
        long hi = Math.min(count, idAtOrBefore(toExclusive.plusSeconds(1)) + 1);
        var ids = new ArrayList<Long>();
        for (long id = lo; id <= hi; id++) {
            Instant at = modifiedAt(id);
            if (!at.isBefore(from) && at.isBefore(toExclusive))
                ids.add(id);
        }
        ids.sort(Comparator.comparing(this::modifiedAt).thenComparing(Comparator.naturalOrder()));
        return ids;
    }

    static String lotNumber(long index) {
        return "LOT-" + String.format("%06d", index);
    }

    /** The id whose base time is at or before {@code t}, clamped to {@code [0, count]}. */
    private long idAtOrBefore(Instant t) {
        if (t.isBefore(start))
            return 0;
        Instant end = start.plus(spacing.multipliedBy(count));
        if (t.isAfter(end))
            return count;
        return 1 + Duration.between(start, t).dividedBy(spacing);
    }

    private StructureNode node(long id, List<StructureNode> nodes, Optional<Long> parent, List<String> titles, Level level, String label) {
        long nodeId = id * ID_SPACE + nodes.size() + 1;
        var node = new StructureNode(nodeId, parent, titles.get(pick(nodeId, 3, titles.size())) + " " + label, level, label);
        nodes.add(node);
        return node;
    }

    private String value(Step step) {
        long h = hash(step.key(), 11);
        return switch (step.kind().name()) {
            case "WEIGHT" -> (10 + Math.floorMod(h, 400)) / 10 + "." + Math.floorMod(h, 10);
            case "TEMPERATURE" -> (18 + Math.floorMod(h, 8)) + "." + Math.floorMod(h >> 8, 10);
            case "MATERIAL_ADDITION" -> "Material " + (char) ('A' + Math.floorMod(h, 6));
            case "CHECKBOX" -> "true";
            default -> "Signed";
        };
    }

    private String user(long key) {
        if (pick(key, 12, 8) == 0)
            return AUTOMATION_USER;
        return String.format("operator.%03d", 1 + pick(key, 13, 40));
    }

    private int split(long block) {
        return pick(block, 14, BLOCK);
    }

    private int pick(long key, long salt, int bound) {
        return (int) Math.floorMod(hash(key, salt), (long) bound);
    }

    private long hash(long key, long salt) {
        return DemoData.mix(seed ^ DemoData.mix(key * 0x9E3779B97F4A7C15L + salt * 0x632BE59BD9B4E019L));
    }

    private void checkId(long id) {
        if (id < 1 || id > count)
            throw new IllegalArgumentException("production record id must be 1 to " + count + ", got " + id);
    }

    private record Kind(String name, String title, String action) { }

    private record Step(StructureNode phase, String orderLabel, Kind kind, OptionalInt iteration, long key) { }
}
