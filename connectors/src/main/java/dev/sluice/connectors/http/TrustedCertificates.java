package dev.sluice.connectors.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of a connection: the JDK's trusted authorities, plus a private CA when tls.ca_file names
 * one. Certificates and host names are always verified; there is deliberately no way to turn that off.
 * Public because the service's alert mails trust a private CA the same way.
 */
public final class TrustedCertificates {
    private TrustedCertificates() {
    }

    /** The JDK's default context, or one that also trusts the certificates in the PEM file {@code caFile}. */
    public static SSLContext context(java.util.Optional<Path> caFile) throws IOException, GeneralSecurityException {
        if (caFile.isEmpty())
            return SSLContext.getDefault();
        Collection<? extends Certificate> extra;
        try (InputStream in = Files.newInputStream(caFile.get())) {
            extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (extra.isEmpty())
            throw new GeneralSecurityException("no certificate found in it; it must hold PEM blocks starting with -----BEGIN CERTIFICATE-----");
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (X509Certificate jdk : defaultTrustManager().getAcceptedIssuers())
            store.setCertificateEntry("jdk-" + i++, jdk);
        for (Certificate c : extra)
            store.setCertificateEntry("ca-file-" + i++, c);
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (var tm : factory.getTrustManagers())
            if (tm instanceof X509TrustManager x)
                return x;
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }
}
