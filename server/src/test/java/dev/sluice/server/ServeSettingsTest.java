package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.Connectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's settings file: every key has a default, and mistakes are reported with their line. */
class ServeSettingsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private static ServeSettings bind(Path file, String yaml, Map<String, String> env) {
        return new ConfigLoader(name -> Optional.ofNullable(env.get(name)), new Connectors(Map.of(), Map.of()))
                .loadDocument(file, yaml, "a settings file", ServeSettings::bind);
    }

    @Test
    void the_example_settings_file_loads() throws Exception {
        Path file = ROOT.resolve("examples/service/serve.yaml");
        ServeSettings s = bind(file, Files.readString(file), Map.of());
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.cleanupMaxAge()).contains(Duration.ofDays(30));
        assertThat(s.maxConcurrentRuns()).isEqualTo(16);
    }

    @Test
    void without_a_file_the_service_listens_on_loopback_with_no_cleanup() {
        ServeSettings s = ServeSettings.defaults();
        assertThat(s.loopbackOnly()).isTrue();
        assertThat(s.cleanupMaxAge()).isEmpty();
        assertThat(s.tokens()).isEmpty();
    }

    @Test
    void a_listen_address_without_a_port_is_reported_with_its_line_and_an_example() {
        assertThatThrownBy(() -> bind(dir.resolve("s.yaml"), "reload: 5s\nlisten: localhost\n", Map.of()))
                .isInstanceOf(SluiceException.class).hasMessageContaining("s.yaml line 2").hasMessageContaining("127.0.0.1:8080");
    }

    @Test
    void an_unknown_key_is_reported_with_the_valid_ones() {
        assertThatThrownBy(() -> bind(dir.resolve("s.yaml"), "listn: 127.0.0.1:8080\n", Map.of()))
                .isInstanceOf(SluiceException.class).hasMessageContaining("listn").hasMessageContaining("listen");
    }

    @Test
    void cleanup_without_a_max_age_is_refused() {
        assertThatThrownBy(() -> bind(dir.resolve("s.yaml"), "cleanup: {every: 1d}\n", Map.of()))
                .isInstanceOf(SluiceException.class).hasMessageContaining("max_age");
    }

    @Test
    void tokens_come_from_the_token_file_one_per_line() throws Exception {
        Files.writeString(dir.resolve("tokens"), "# ops\nfirst-token-0123456789\n\nsecond-token-0123456789\n");
        ServeSettings s = bind(dir.resolve("s.yaml"), "auth: {token_file: tokens}\n", Map.of());
        assertThat(new Tokens(s.tokens()).accepts("second-token-0123456789")).isTrue();
        assertThat(s.tokens()).hasSize(2);
    }

    @Test
    void a_missing_token_file_is_reported_without_starting() {
        assertThatThrownBy(() -> bind(dir.resolve("s.yaml"), "auth: {token_file: nowhere}\n", Map.of()))
                .isInstanceOf(SluiceException.class).hasMessageContaining("cannot read the token file");
    }
}
