package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What seed 000's export makes of the simulator's data, computed from {@link MasterControlData} alone: the
 * rows of each production record in the 14 columns of its CSV files, so that tests and benchmarks check a
 * pipeline's output against the simulator's own truth. A row is a list of cells in {@link #COLUMNS} order;
 * an empty cell is {@code ""}.
 */
public final class MasterControlExport {
    /** The seed's columns, in its order. */
    public static final List<String> COLUMNS = List.of("Master Template Name", "Lot Number", "Product ID", "Unit", "Operation",
            "Phase", "Data Capture Time", "Production Record Status", "Structure Label", "Description", "Input Data Value",
            "Performed By", "Action Performed", "Captured Data Type");
    /** The seed's reason for a record whose lot neither metadata API knows. */
    public static final String BOTH_EMPTY = "Both API calls returned empty";
    private static final DateTimeFormatter CAPTURE_TIME = DateTimeFormatter.ofPattern("M/d/yyyy H:mm", Locale.ROOT)
            .withZone(ZoneId.of("America/New_York"));

    private final MasterControlData data;

    public MasterControlExport(MasterControlData data) {
        this.data = requireNonNull(data, "data is null");
    }

    /** Whether the record can be exported: false when both metadata APIs answer empty for its lot. */
    public boolean exported(long id) {
        return !data.bothEmpty(data.lotOf(id).lotNumber());
    }

    /** Whether the record's metadata comes from the fallback, data captures by lot. */
    public boolean fromFallback(long id) {
        String lot = data.lotOf(id).lotNumber();
        return data.primaryEmpty(lot) && !data.bothEmpty(lot);
    }

    /** The record's rows: one per data capture not performed by a {@code VOD_} user, in capture order; none when not exported. */
    public List<List<String>> rows(long id) {
        if (!exported(id))
            return List.of();
        MasterControlData.Lot lot = data.lotOf(id);
        Map<Long, MasterControlData.StructureNode> nodes = data.structure(id).stream()
                .collect(Collectors.toMap(MasterControlData.StructureNode::id, Function.identity()));
        var rows = new ArrayList<List<String>>();
        for (MasterControlData.DataCapture c : data.captures(id)) {
            if (c.userName().startsWith("VOD_"))
                continue;
            Optional<MasterControlData.StructureNode> phase = Optional.ofNullable(nodes.get(c.structureId()));
            Optional<MasterControlData.StructureNode> operation = phase.flatMap(MasterControlData.StructureNode::parentId).map(nodes::get);
            Optional<MasterControlData.StructureNode> unit = operation.flatMap(MasterControlData.StructureNode::parentId).map(nodes::get);
            String label = c.iteration().isPresent() ? c.orderLabel() + " - " + c.iteration().getAsInt() : c.orderLabel();
            rows.add(List.of(lot.masterTemplateName(), lot.lotNumber(), lot.productId(), title(unit), title(operation), title(phase),
                    CAPTURE_TIME.format(c.dateTime()), lot.status(), label, c.title(), c.value(), c.userName(), c.actionTaken(),
                    c.dataCaptureName()));
        }
        return rows;
    }

    private static String title(Optional<MasterControlData.StructureNode> node) {
        return node.map(MasterControlData.StructureNode::title).orElse("");
    }
}
