package dev.sluice.connectors.http;

import static dev.sluice.connectors.http.HttpFixtures.failure;
import static dev.sluice.connectors.http.HttpFixtures.settings;
import static dev.sluice.connectors.http.TestApi.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS is always verified: a self-signed server is refused unless tls.ca_file names its certificate. */
class HttpTlsTest {
    private static final char[] PASSWORD = "test-only".toCharArray();

    @TempDir
    static Path dir;
    private static Path caFile;
    private static TestApi api;

    /** Makes a throwaway key and self-signed certificate for 127.0.0.1 with the JDK's keytool; nothing is kept. */
    @BeforeAll
    static void start() throws Exception {
        Path store = dir.resolve("server.p12");
        caFile = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD));
        keytool("-exportcert", "-rfc", "-alias", "api", "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-file", caFile.toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        var factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        api = TestApi.startTls(context).on("/x", ok("{\"secure\":true}"));
    }

    private static void keytool(String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void refuses_a_self_signed_server_and_says_to_set_tls_ca_file() {
        try (var c = settings(api.url("/")).open()) {
            var e = failure(() -> c.send(HttpCall.get("x", "source")));

            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(e.getMessage()).contains("TLS handshake").contains("set tls.ca_file of connections.api");
            assertThat(c.stats().attempts()).isEqualTo(1);
        }
    }

    @Test
    void accepts_the_server_when_tls_ca_file_names_its_certificate() {
        var s = settings(api.url("/"));
        s.caFile = Optional.of(caFile);
        try (var c = s.open()) {
            assertThat(c.send(HttpCall.get("x", "source")).text()).isEqualTo("{\"secure\":true}");
        }
    }

    @Test
    void a_ca_file_without_a_certificate_fails_open_with_config_invalid() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        var s = settings(api.url("/"));
        s.caFile = Optional.of(notPem);
        var c = new HttpConnection("api", s.config());

        var e = failure(c::open);

        assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
        assertThat(e.getMessage()).contains("tls.ca_file").contains("PEM");
    }
}
