package dev.sluice.connectors.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.window.IdWindow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdRangeSourceTest {
    @TempDir
    Path dir;

    @Test
    void a_window_gives_one_record_per_id_from_start_to_end_exclusive() throws Exception {
        List<DataRecord> records = readAll(new IdRangeSource("id", 1000), new IdWindow(101, 106));

        assertThat(records).extracting(r -> r.data().toString())
                .containsExactly("{\"id\":101}", "{\"id\":102}", "{\"id\":103}", "{\"id\":104}", "{\"id\":105}");
    }

    @Test
    void pages_hold_at_most_page_size_ids_and_resume_at_the_next_id() throws Exception {
        var source = new IdRangeSource("id", 2);
        Page first = source.read(new IdWindow(1, 6), Optional.empty());
        Page second = source.read(new IdWindow(1, 6), first.next());

        assertThat(first.records()).hasSize(2);
        assertThat(first.next()).contains("3");
        assertThat(second.records()).extracting(r -> r.data().get("id").asLong()).containsExactly(3L, 4L);
        assertThat(readAll(source, new IdWindow(1, 6))).hasSize(5);
    }

    @Test
    void the_field_holding_the_id_can_be_named() throws Exception {
        var source = load("{type: ids, field: productionRecordId, page_size: 10}");

        assertThat(readAll(source, new IdWindow(7, 8))).extracting(r -> r.data().toString())
                .containsExactly("{\"productionRecordId\":7}");
    }

    @Test
    void a_time_cursor_is_refused_when_the_pipeline_loads() throws Exception {
        assertThatThrownBy(() -> new ConfigLoader(name -> Optional.empty(), dev.sluice.core.config.Connectors.discover())
                .load(dir.resolve("p.yaml"), """
                        windows: {start: 2024-01-01, size: 1h}
                        source: {type: ids}
                        sink: {type: jsonl, path: out}
                        """))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("ids")
                .hasMessageContaining("id");
    }

    @Test
    void a_position_outside_the_window_is_refused_rather_than_read() throws Exception {
        assertThatThrownBy(() -> new IdRangeSource("id", 10).read(new IdWindow(1, 5), Optional.of("99")))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("read the window again from its start");
    }

    private Source load(String source) {
        return new ConfigLoader(name -> Optional.empty(), dev.sluice.core.config.Connectors.discover())
                .load(dir.resolve("p.yaml"), "windows: {cursor: id, start: 1, end: 100, size: 10}\nsource: " + source
                        + "\nsink: {type: jsonl, path: out}\n")
                .source();
    }

    private static List<DataRecord> readAll(Source source, IdWindow window) throws IOException {
        var out = new ArrayList<DataRecord>();
        Optional<String> after = Optional.empty();
        do {
            Page p = source.read(window, after);
            out.addAll(p.records());
            after = p.next();
        } while (after.isPresent());
        return out;
    }
}
