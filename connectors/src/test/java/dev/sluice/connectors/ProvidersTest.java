package dev.sluice.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.connectors.files.CsvSinkProvider;
import dev.sluice.connectors.files.JsonlSinkProvider;
import dev.sluice.connectors.generate.GenerateSourceProvider;
import dev.sluice.connectors.jdbc.JdbcSourceProvider;
import dev.sluice.core.spi.SinkProvider;
import dev.sluice.core.spi.SourceProvider;
import dev.sluice.core.window.CursorKind;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ProvidersTest {

    @Test
    void the_service_loader_finds_the_generate_source_for_every_cursor() {
        var providers = ServiceLoader.load(SourceProvider.class).stream().map(ServiceLoader.Provider::get).toList();

        assertThat(providers).extracting(SourceProvider::type).contains("generate");
        assertThat(providers).filteredOn(p -> p.type().equals("generate")).singleElement()
                .isInstanceOf(GenerateSourceProvider.class)
                .satisfies(p -> assertThat(p.cursors()).containsExactlyInAnyOrder(CursorKind.values()));
    }

    @Test
    void the_service_loader_finds_the_jdbc_source_for_every_cursor() {
        var providers = ServiceLoader.load(SourceProvider.class).stream().map(ServiceLoader.Provider::get).toList();

        assertThat(providers).filteredOn(p -> p.type().equals("jdbc")).singleElement()
                .isInstanceOf(JdbcSourceProvider.class)
                .satisfies(p -> assertThat(p.cursors()).containsExactlyInAnyOrder(CursorKind.values()));
    }

    @Test
    void the_service_loader_finds_the_jsonl_and_csv_sinks() {
        var providers = ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::get).toList();

        assertThat(providers).extracting(SinkProvider::type).contains("jsonl", "csv");
        assertThat(providers).hasAtLeastOneElementOfType(JsonlSinkProvider.class).hasAtLeastOneElementOfType(CsvSinkProvider.class);
    }
}
