package dev.sluice.server.alert;

import static dev.sluice.server.alert.AlertFixtures.QUICK;
import static dev.sluice.server.alert.AlertFixtures.T0;
import static dev.sluice.server.alert.AlertFixtures.idle;
import static dev.sluice.server.alert.AlertFixtures.logLines;
import static dev.sluice.server.alert.AlertFixtures.settings;
import static dev.sluice.server.alert.AlertFixtures.windowFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.sluice.testkit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts by e-mail over implicit TLS (SMTPS) to GreenMail. GreenMail's built-in certificate names no
 * host, so verification (which stays on) would refuse it: the test gives GreenMail a throwaway key for
 * {@code localhost} made with the JDK's keytool, then exports the certificate GreenMail actually serves
 * from its keystore as the PEM file that {@code trusted_certificates} names.
 */
class AlertEmailTlsTest {
    private static final String STORE_PASSWORD = "test-only";

    @TempDir
    static Path dir;
    private static Path caFile;
    private static GreenMail smtps;
    private final TestClock clock = new TestClock(T0);

    @BeforeAll
    static void start() throws Exception {
        Path store = dir.resolve("greenmail.p12");
        run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "greenmail", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY, store.toString());
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY, STORE_PASSWORD);
        smtps = new GreenMail(ServerSetupTest.SMTPS.dynamicPort());
        smtps.start();

        X509Certificate served = servedCertificate();
        assertThat(served.getSubjectAlternativeNames()).as("GreenMail serves the key made for this test; its TLS keystore was "
                + "loaded earlier in this JVM otherwise").contains(List.of(2, "localhost"));
        caFile = dir.resolve("ca.pem");
        Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(served.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
    }

    /** The certificate in GreenMail's own TLS keystore: the one its SMTPS server presents. */
    private static X509Certificate servedCertificate() throws Exception {
        KeyStore keys = ((DummySSLServerSocketFactory) DummySSLServerSocketFactory.getDefault()).getKeyStore();
        for (String alias : Collections.list(keys.aliases()))
            if (keys.isKeyEntry(alias))
                return (X509Certificate) keys.getCertificate(alias);
        throw new AssertionError("GreenMail's keystore holds no key");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    @AfterAll
    static void stop() {
        smtps.stop();
        System.clearProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY);
        System.clearProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY);
    }

    @BeforeEach
    void empty() throws Exception {
        smtps.purgeEmailFromAllMailboxes();
    }

    @Test
    void sends_over_implicit_tls_to_a_server_whose_ca_is_in_trusted_certificates() throws Exception {
        try (var alerter = Alerter.start(settings(ssl("localhost", true), Map.of()), clock, QUICK)) {
            assertThat(alerter.check()).isEmpty();
            alerter.raise(windowFailed("orders", "E-1", T0));
            idle(alerter);
        }

        assertThat(smtps.getReceivedMessages()).singleElement()
                .satisfies(m -> assertThat(m.getSubject()).startsWith("[CRITICAL] sluice: pipeline orders: window failed (INC-"));
    }

    @Test
    void refuses_a_server_it_does_not_trust_and_says_to_name_its_ca_in_trusted_certificates() throws Exception {
        try (var logs = logLines(); var alerter = Alerter.start(settings(ssl("localhost", false), Map.of()), clock, QUICK)) {
            alerter.raise(windowFailed("orders", "E-1", T0));
            idle(alerter);

            assertThat(logs.lines("ERROR")).singleElement().asString()
                    .contains("alert not delivered: the TLS handshake with localhost:" + smtps.getSmtps().getPort() + " failed")
                    .contains("if the server's certificate is signed by a private CA, name its PEM file in alerts.email.trusted_certificates; "
                            + "check too that the certificate is for localhost");
        }
        assertThat(smtps.getReceivedMessages()).isEmpty();
    }

    @Test
    void verifies_the_host_name_even_when_the_certificate_is_trusted() {
        try (var alerter = Alerter.start(settings(ssl("127.0.0.1", true), Map.of()), clock, QUICK)) {
            assertThat(alerter.check()).singleElement().asString()
                    .contains("the TLS handshake with 127.0.0.1:" + smtps.getSmtps().getPort() + " failed")
                    .contains("check that alerts.email.trusted_certificates holds the CA that signed the server's certificate, "
                            + "and that the certificate is for 127.0.0.1");
        }
        assertThat(smtps.getReceivedMessages()).isEmpty();
    }

    private static String ssl(String host, boolean trust) {
        var lines = new ArrayList<>(List.of("alerts:", "  email:", "    host: " + host, "    port: " + smtps.getSmtps().getPort(),
                "    security: ssl", "    from: alerts@example.com", "    to: [ops@example.com]"));
        if (trust)
            lines.add("    trusted_certificates: " + caFile);
        return String.join("\n", lines) + "\n";
    }
}
