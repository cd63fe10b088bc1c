package dev.sluice.connectors.jdbc;

import dev.sluice.core.PipelineId;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkContext;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Binds a JDBC sink from pipeline text written in a test, and writes windows through it as the runner does. */
final class SinkFixture {
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(tools.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();
    static final Window W1 = new TimeWindow(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T01:00:00Z"));
    static final Window W2 = new TimeWindow(Instant.parse("2025-01-01T01:00:00Z"), Instant.parse("2025-01-01T02:00:00Z"));
    static final Window IDS = new IdWindow(1, 101);

    /** A run whose books are elsewhere (a SQLite file, say). */
    static final SinkContext BOOKS_ELSEWHERE = () -> new PipelineId("test");

    /** A run whose books are in the sink's database, where mode: insert is exactly once. */
    static final SinkContext BOOKS_HERE = new SinkContext() {
        @Override public PipelineId pipeline() { return new PipelineId("test"); }
        @Override public boolean keepsBooksIn(Connection connection) { return true; }
    };

    private SinkFixture() {
    }

    static PipelineConfig load(Path dir, String url, String sink) {
        String text = "windows: {cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}\n"
                + "connections:\n  db: {url: \"" + url + "\"}\n"
                + "source: {type: generate, every: 1h}\n"
                + "sink:\n" + sink.indent(2);
        return ConfigLoader.standard().load(dir.resolve("test.yaml"), text);
    }

    static Sink open(Path dir, String url, String sink, SinkContext context) throws Exception {
        Sink s = load(dir, url, sink).sink();
        s.open(context);
        return s;
    }

    static DataRecord record(String json) {
        return new DataRecord((ObjectNode) JSON.readTree(json));
    }

    /** Writes {@code records} as one window and commits it. */
    static void window(Sink sink, Window w, String... records) throws Exception {
        try (WindowWriter writer = sink.begin(w)) {
            for (String r : records)
                writer.write(record(r));
            writer.commit();
        }
    }

    /** Every row of {@code sql}, each as column label to value (as text, or null). */
    static List<Map<String, String>> rows(Connection c, String sql) throws SQLException {
        var out = new ArrayList<Map<String, String>>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                var row = new LinkedHashMap<String, String>();
                for (int i = 1; i <= n; i++)
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                out.add(row);
            }
        }
        return out;
    }

    static void execute(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql)
                s.execute(q);
        }
    }
}
