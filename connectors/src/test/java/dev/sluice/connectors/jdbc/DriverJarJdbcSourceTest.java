package dev.sluice.connectors.jdbc;

import static dev.sluice.connectors.jdbc.JdbcSourceFixture.ids;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.pipeline;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.query;
import static dev.sluice.connectors.jdbc.JdbcSourceFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.spi.Source;
import dev.sluice.core.window.IdWindow;
import dev.sluice.core.window.TimeWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * A database whose driver is not built in, read through a driver loaded from a jar: H2, which the build
 * copies to target/test-drivers and keeps off the tests' class path.
 */
class DriverJarJdbcSourceTest {
    private static final Path H2_JAR = Path.of("target", "test-drivers", "h2.jar").toAbsolutePath();
    private static final String URL = "jdbc:h2:mem:sluice";

    @TempDir
    Path dir;
    Source source;

    @BeforeEach
    void jarIsThere() {
        assertThat(H2_JAR).as("the build copies the H2 driver here (connectors/pom.xml, test-driver-jars)").isRegularFile();
    }

    @AfterEach
    void close() throws Exception {
        if (source != null)
            source.close();
    }

    private static final String RANGE = query("SELECT X AS \"id\" FROM SYSTEM_RANGE(1, 100) WHERE X >= :id_start AND X < :id_end ORDER BY X");

    @Test
    void the_driver_is_not_on_the_class_path_of_the_tests() {
        assertThatThrownBy(() -> Class.forName("org.h2.Driver")).isInstanceOf(ClassNotFoundException.class);
        assertThat(Files.exists(H2_JAR)).isTrue();
    }

    @Test
    void a_driver_jar_without_driver_class_is_searched_for_a_driver_that_accepts_the_url() throws Exception {
        source = JdbcSourceFixture.open(dir, pipeline("{cursor: id, start: 1, end: 101}", URL, "driver_jar: " + H2_JAR, RANGE));

        assertThat(ids(readAll(source, new IdWindow(5, 9)))).containsExactly(5L, 6L, 7L, 8L);
    }

    @Test
    void a_driver_class_names_the_driver_in_the_jar() throws Exception {
        source = JdbcSourceFixture.open(dir, pipeline("{cursor: id, start: 1, end: 101}", URL,
                "driver_jar: " + H2_JAR + "\ndriver_class: org.h2.Driver", RANGE));

        assertThat(ids(readAll(source, new IdWindow(99, 101)))).containsExactly(99L, 100L);
    }

    @Test
    void another_driver_gets_time_bounds_as_local_timestamps_in_the_source_zone() throws Exception {
        source = JdbcSourceFixture.open(dir, pipeline("{cursor: time, start: 2025-01-01T00:00:00Z, size: 1h}", URL, "driver_jar: " + H2_JAR,
                "timezone: America/New_York\n" + query("SELECT CAST(:window_start AS TIMESTAMP) AS \"s\", CAST(CAST(:window_end_utc AS TIMESTAMP) AS VARCHAR) AS \"e_utc\","
                        + " TIMESTAMP WITH TIME ZONE '2025-01-31 10:00:00+02:00' AS \"tz\"")));

        ObjectNode r = readAll(source, new TimeWindow(Instant.parse("2025-01-31T15:00:00Z"), Instant.parse("2025-01-31T16:00:00Z")))
                .getFirst().data();

        assertThat(r.get("s").stringValue()).isEqualTo("2025-01-31T10:00:00-05:00");
        assertThat(r.get("e_utc").stringValue()).isEqualTo("2025-01-31 16:00:00");
        assertThat(r.get("tz").stringValue()).isEqualTo("2025-01-31T08:00:00Z");
    }
}
