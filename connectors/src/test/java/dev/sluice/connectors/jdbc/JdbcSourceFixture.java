package dev.sluice.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.window.Window;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert;

/** Binds pipeline files with a jdbc source written in a test, and reads windows through them the way the runner does. */
final class JdbcSourceFixture {
    static final SourceContext CONTEXT = new SourceContext() {
        @Override public PipelineId pipeline() { return new PipelineId("test"); }
        @Override public Clock clock() { return Clock.systemUTC(); }
    };

    private JdbcSourceFixture() {
    }

    /** A pipeline file with one connection {@code db} at {@code url} and a jdbc source of {@code body} (YAML under source:). */
    static String pipeline(String windows, String url, String connectionExtra, String body) {
        return "windows: " + windows + "\n"
                + "connections:\n  db:\n    url: \"" + url + "\"\n" + connectionExtra.indent(4)
                + "source:\n  type: jdbc\n  connection: db\n" + body.indent(2)
                + "sink: {type: jsonl, path: out}\n";
    }

    /** {@code query: |} with the SQL as a block, for a source body. */
    static String query(String sql) {
        return "query: |\n" + sql.strip().indent(2);
    }

    static PipelineConfig load(Path dir, String text) {
        return ConfigLoader.standard().load(dir.resolve("test.yaml"), text);
    }

    /** The source of the pipeline, opened. */
    static Source open(Path dir, String text) throws Exception {
        Source source = load(dir, text).source();
        source.open(CONTEXT);
        return source;
    }

    static List<DataRecord> readAll(Source source, Window window) throws Exception {
        var out = new ArrayList<DataRecord>();
        for (Page p : pages(source, window))
            out.addAll(p.records());
        return out;
    }

    static List<Page> pages(Source source, Window window) throws Exception {
        var out = new ArrayList<Page>();
        Optional<String> after = Optional.empty();
        do {
            Page page = source.read(window, after);
            out.add(page);
            after = page.next();
            assertThat(out.size()).as("pages read").isLessThan(100_000);
        } while (after.isPresent());
        return out;
    }

    static List<Long> ids(List<DataRecord> records) {
        return records.stream().map(r -> r.data().get("id").asLong()).toList();
    }

    static void execute(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements)
                s.execute(sql);
        }
    }

    static AbstractThrowableAssert<?, ? extends Throwable> assertFails(ThrowableAssert.ThrowingCallable call) {
        return Assertions.assertThatThrownBy(call).isInstanceOf(SluiceException.class);
    }
}
