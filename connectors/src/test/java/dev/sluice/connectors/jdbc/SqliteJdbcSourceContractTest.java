package dev.sluice.connectors.jdbc;

import static dev.sluice.connectors.jdbc.JdbcSourceFixture.execute;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.pipeline;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.query;

import dev.sluice.core.spi.Source;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.Window;
import dev.sluice.testkit.SourceContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The source contract for the jdbc source, on SQLite: an ordered query resumes at a page position without gaps or duplicates. */
class SqliteJdbcSourceContractTest extends SourceContractTest {
    @TempDir
    Path dir;
    String url;

    @BeforeEach
    void database() throws Exception {
        url = "jdbc:sqlite:" + dir.resolve("contract.db");
        if (Files.exists(dir.resolve("contract.db")))
            return;
        try (Connection c = DriverManager.getConnection(url)) {
            execute(c, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO items SELECT i, 'item-' || i FROM n");
        }
    }

    @Override
    protected Source newSource() {
        return JdbcSourceFixture.load(dir, pipeline("{cursor: id, start: 1, end: 501, size: 250}", url, "",
                "page_size: 40\nfetch_size: 16\n" + query("SELECT id, name FROM items WHERE id >= :id_start AND id < :id_end ORDER BY id"))).source();
    }

    @Override
    protected Window window() {
        return new IdWindow(101, 301);
    }
}
