package dev.sluice.connectors.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.PipelineId;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.SinkContext;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.TimeWindow;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Helpers shared by the file sink tests. */
final class FileSinkFixtures {
    static final SinkContext CONTEXT = () -> new PipelineId("files-test");
    static final Window W1 = new TimeWindow(Instant.parse("2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T11:00:00Z"));
    static final Window W2 = new TimeWindow(Instant.parse("2024-05-01T11:00:00Z"), Instant.parse("2024-05-01T12:00:00Z"));
    static final JsonMapper JSON = JsonMapper.builder().build();

    private FileSinkFixtures() {
    }

    static DataRecord record(String json) {
        return new DataRecord((ObjectNode) JSON.readTree(json));
    }

    static FileSink opened(FileSink sink) {
        sink.open(CONTEXT);
        return sink;
    }

    /** Writes the records as one window and commits it. */
    static void commitWindow(FileSink sink, Window window, String... jsonRecords) {
        try (WindowWriter w = sink.begin(window)) {
            for (String r : jsonRecords)
                w.write(record(r));
            w.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under {@code dir}, as paths relative to it with {@code /}, sorted. */
    static List<String> files(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The visible output: files ending in {@code .jsonl} or {@code .csv}. */
    static List<String> outputs(Path dir) {
        return files(dir).stream().filter(f -> f.endsWith(".jsonl") || f.endsWith(".csv")).toList();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertFailsWith(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
