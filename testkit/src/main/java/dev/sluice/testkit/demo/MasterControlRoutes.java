package dev.sluice.testkit.demo;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The endpoints of the {@link Profile#MASTERCONTROL} profile over {@link MasterControlData}. Every one is a GET
 * that answers a page of a list:
 * <pre>{"data": [...], "pageNumber": 1, "pageSize": 100, "totalCount": 1234, "totalPages": 13}</pre>
 * {@code pageNumber} counts from 1 (a page beyond the last is empty) and {@code pageSize} defaults to 100, capped
 * at {@link DemoApiOptions#maxPageSize()}.
 * <ul>
 * <li>{@code /production-record-data-captures?productionRecordId=ID}: the record's data captures
 *     ({@code id, productionRecordId, dateTime, orderLabel, title, value, userName, actionTaken, dataCaptureName,
 *     structureId, iteration}; {@code iteration} is null for a step done once), empty for an id beyond the last.
 * <li>{@code /production-record-data-captures?modifiedFrom=T&modifiedTo=T}: the data captures of every record
 *     modified in {@code [modifiedFrom, modifiedTo)}, record after record by modification time, so a record's id
 *     comes back once per capture. The times take what the demo API's {@code since} takes.
 * <li>{@code /batch-records/production-records-list?lotNumber=L}: one row per production record of the lot
 *     ({@code productionRecordId, productName, lotNumber, productId, status}), empty for the lots of
 *     {@link MasterControlData#primaryEmpty(String)}.
 * <li>{@code /data-captures?lotNumber=L}, the fallback: the same rows named differently ({@code productionRecordId,
 *     masterTemplateName, lotNumber, productId, productionRecordStatus}), empty for the lots of
 *     {@link MasterControlData#bothEmpty(String)}.
 * <li>{@code /production-records/{id}/structures}: the record's structure ({@code id, parentId, title, level,
 *     orderLabel}); 404 for an unknown record.
 * </ul>
 */
final class MasterControlRoutes {
    static final String CAPTURES = "/production-record-data-captures";
    static final String BATCH_RECORDS = "/batch-records/production-records-list";
    static final String CAPTURES_BY_LOT = "/data-captures";
    private static final String RECORDS = "/production-records/";
    private static final String STRUCTURES = "/structures";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final MasterControlData data;
    private final int maxPageSize;

    MasterControlRoutes(MasterControlData data, int maxPageSize) {
        this.data = data;
        this.maxPageSize = maxPageSize;
    }

    /** The answer to a GET of one of these paths, or empty when the path is none of them. */
    Optional<Response> answer(Query q) {
        String path = q.path();
        return Optional.ofNullable(switch (path) {
            case CAPTURES -> captures(q);
            case BATCH_RECORDS -> byLot(q, data::primaryEmpty, (lot, row) -> row.put("productName", lot.masterTemplateName())
                    .put("lotNumber", lot.lotNumber()).put("productId", lot.productId()).put("status", lot.status()));
            case CAPTURES_BY_LOT -> byLot(q, data::bothEmpty, (lot, row) -> row.put("masterTemplateName", lot.masterTemplateName())
                    .put("lotNumber", lot.lotNumber()).put("productId", lot.productId()).put("productionRecordStatus", lot.status()));
            default -> path.startsWith(RECORDS) && path.endsWith(STRUCTURES) ? structures(q, path) : null;
        });
    }

    /** The path as counted in {@link DemoStats}, with the record id replaced by {@code {id}}. */
    static String template(String path) {
        return path.startsWith(RECORDS) && path.endsWith(STRUCTURES) ? RECORDS + "{id}" + STRUCTURES : path;
    }

    private Response captures(Query q) {
        var id = q.param("productionRecordId");
        var from = q.instant("modifiedFrom");
        var to = q.instant("modifiedTo");
        if (id.isPresent() == (from.isPresent() || to.isPresent()) || from.isPresent() != to.isPresent())
            throw new Response.BadRequest("give either productionRecordId, or modifiedFrom and modifiedTo");
        if (id.isPresent()) {
            long n = q.number("productionRecordId", 0, 1);
            List<MasterControlData.DataCapture> captures = n <= data.count() ? data.captures(n) : List.of();
            return page(q, captures, MasterControlRoutes::capture);
        }
        List<MasterControlData.DataCapture> captures = data.modifiedBetween(from.get(), to.get()).stream()
                .flatMap(n -> data.captures(n).stream()).toList();
        return page(q, captures, MasterControlRoutes::capture);
    }

    private Response byLot(Query q, Predicate<String> empty, LotRow fields) {
        String number = q.param("lotNumber").orElseThrow(() -> new Response.BadRequest("lotNumber is required, e.g. lotNumber=LOT-000042"));
        var rows = data.lot(number).filter(lot -> !empty.test(number))
                .map(lot -> lot.productionRecordIds().stream().map(id -> fields.fill(lot, JSON.objectNode().put("productionRecordId", id))).toList())
                .orElse(List.of());
        return page(q, rows, Function.identity());
    }

    private Response structures(Query q, String path) {
        String text = path.substring(RECORDS.length(), path.length() - STRUCTURES.length());
        if (!text.matches("\\d{1,18}") || Long.parseLong(text) < 1 || Long.parseLong(text) > data.count())
            return Response.error(404, "no production record '" + text + "'; ids are 1 to " + data.count());
        return page(q, data.structure(Long.parseLong(text)), node -> JSON.objectNode().put("id", node.id())
                .put("parentId", node.parentId().orElse(null)).put("title", node.title()).put("level", node.level().name())
                .put("orderLabel", node.orderLabel()));
    }

    private <T> Response page(Query q, List<T> all, Function<T, ? extends JsonNode> row) {
        long size = Math.min(q.number("pageSize", Listing.DEFAULT_SIZE, 1), maxPageSize);
        long number = q.number("pageNumber", 1, 1);
        // Compared by division first: (number - 1) * size may overflow for a huge page number.
        long from = number - 1 > all.size() / size ? all.size() : Math.min(all.size(), (number - 1) * size);
        long to = Math.min(all.size(), from + size);
        ObjectNode body = JSON.objectNode();
        var rows = body.putArray("data");
        for (T item : all.subList((int) from, (int) to))
            rows.add(row.apply(item));
        body.put("pageNumber", number).put("pageSize", size).put("totalCount", all.size())
                .put("totalPages", Math.ceilDiv(all.size(), size));
        return Response.json(200, body);
    }

    private static ObjectNode capture(MasterControlData.DataCapture c) {
        ObjectNode row = JSON.objectNode().put("id", c.id()).put("productionRecordId", c.productionRecordId())
                .put("dateTime", c.dateTime().toString()).put("orderLabel", c.orderLabel()).put("title", c.title())
                .put("value", c.value()).put("userName", c.userName()).put("actionTaken", c.actionTaken())
                .put("dataCaptureName", c.dataCaptureName()).put("structureId", c.structureId());
        if (c.iteration().isPresent())
            row.put("iteration", c.iteration().getAsInt());
        else
            row.putNull("iteration");
        return row;
    }

    private interface LotRow {
        ObjectNode fill(MasterControlData.Lot lot, ObjectNode row);
    }
}
