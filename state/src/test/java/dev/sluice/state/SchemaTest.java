package dev.sluice.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The migrations on the classpath and the version this build claims to know stay in step. */
class SchemaTest {
    @Test
    void every_dialect_has_the_same_migrations_up_to_the_current_version() throws Exception {
        List<String> expected = Stream.iterate(1, v -> v <= Schema.CURRENT_VERSION, v -> v + 1)
                .map(v -> "V" + v).toList();

        for (Dialect dialect : Dialect.values())
            assertThat(versions(dialect)).as(dialect.name()).isEqualTo(expected);
    }

    private static List<String> versions(Dialect dialect) throws IOException, URISyntaxException {
        Path folder = Path.of(SchemaTest.class.getClassLoader().getResource(dialect.migrations()).toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString())
                    .map(name -> name.substring(0, name.indexOf("__")))
                    .sorted((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))))
                    .toList();
        }
    }
}
