package dev.sluice.server.alert;

import dev.sluice.connectors.http.TrustedCertificates;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.Secret;
import dev.sluice.core.SluiceException;
import dev.sluice.server.alert.AlertSettings.Email;
import dev.sluice.server.alert.AlertSettings.Security;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLException;

/**
 * Alerts as plain-text e-mails over SMTP (Jakarta Mail). TLS is verified against the JDK's authorities
 * plus {@code trusted_certificates}, host name included; STARTTLS, when chosen, is required.
 */
final class EmailChannel implements Channel {
    private final Email settings;
    private final Clock clock;
    private final Session session;
    private final List<Secret> secrets;

    EmailChannel(Email settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.secrets = settings.password().stream().toList();
        this.session = Session.getInstance(properties(settings));
    }

    private static Properties properties(Email s) {
        var p = new Properties();
        p.setProperty("mail.smtp.host", s.host());
        p.setProperty("mail.smtp.port", Integer.toString(s.port()));
        String timeout = Long.toString(s.timeout().toMillis());
        p.setProperty("mail.smtp.connectiontimeout", timeout);
        p.setProperty("mail.smtp.timeout", timeout);
        p.setProperty("mail.smtp.writetimeout", timeout);
        p.setProperty("mail.smtp.auth", Boolean.toString(s.username().isPresent()));
        switch (s.security()) {
            case SSL -> p.setProperty("mail.smtp.ssl.enable", "true");
            case STARTTLS -> {
                p.setProperty("mail.smtp.starttls.enable", "true");
                p.setProperty("mail.smtp.starttls.required", "true");
            }
            case NONE -> {
            }
        }
        if (s.security() != Security.NONE) {
            try {
                p.put("mail.smtp.ssl.socketFactory", TrustedCertificates.context(s.trustedCertificates()).getSocketFactory());
            } catch (IOException | GeneralSecurityException e) {
                throw new SluiceException(ErrorCode.CONFIG_INVALID, "alerts.email.trusted_certificates: cannot use "
                        + s.trustedCertificates().map(Object::toString).orElse("the JDK's trusted certificates") + ": " + e.getMessage(), e);
            }
            p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        }
        return p;
    }

    @Override
    public String describe() {
        return "e-mail to " + String.join(", ", settings.to()) + " via " + server() + " (" + settings.security().name().toLowerCase(Locale.ROOT) + ")";
    }

    @Override
    public void deliver(AlertMessage m) throws DeliveryFailure {
        try {
            var mail = new MimeMessage(session);
            mail.setFrom(new InternetAddress(settings.from(), true));
            mail.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", settings.to()), true));
            mail.setSubject(m.subject(), "UTF-8");
            mail.setSentDate(Date.from(clock.instant()));
            mail.setText(m.text(), "UTF-8");
            mail.setHeader("X-Sluice-Incident", m.incident().id());
            mail.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no out-of-office replies to alerts
            mail.saveChanges();
            try (Transport t = connect()) {
                t.sendMessage(mail, mail.getAllRecipients());
            }
        } catch (MessagingException e) {
            throw failure(e);
        }
    }

    @Override
    public void check() throws DeliveryFailure {
        try {
            connect().close(); // connecting, the TLS handshake and the login are the check
        } catch (MessagingException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() {
        // a connection lasts one message: nothing stays open
    }

    private Transport connect() throws MessagingException {
        Transport t = session.getTransport("smtp");
        t.connect(settings.host(), settings.port(), settings.username().orElse(null), settings.password().map(Secret::value).orElse(null));
        return t;
    }

    private String server() {
        return settings.host() + ":" + settings.port();
    }

    /** What went wrong, in the words of the settings to change. */
    private DeliveryFailure failure(MessagingException e) {
        String said = e.getMessage() == null ? "" : " (" + e.getMessage().strip() + ")";
        if (e instanceof AuthenticationFailedException)
            return DeliveryFailure.lasting("the SMTP server " + server() + " refused the login of " + settings.username().orElse("(none)") + said
                    + "; check alerts.email.username and alerts.email.password", secrets);
        Throwable tls = cause(e, SSLException.class, CertificateException.class);
        if (tls != null)
            return DeliveryFailure.lasting("the TLS handshake with " + server() + " failed: " + tls.getMessage() + "; "
                    + (settings.trustedCertificates().isPresent()
                    ? "check that alerts.email.trusted_certificates holds the CA that signed the server's certificate, and that"
                    : "if the server's certificate is signed by a private CA, name its PEM file in alerts.email.trusted_certificates; check too that")
                    + " the certificate is for " + settings.host(), secrets);
        if (settings.security() == Security.STARTTLS && String.valueOf(e.getMessage()).contains("STARTTLS"))
            return DeliveryFailure.lasting("the SMTP server " + server() + " does not offer STARTTLS" + said + "; use security: ssl if it takes "
                    + "TLS from the start (usually on port 465), or security: none only for a relay on a trusted network", secrets);
        if (e instanceof SendFailedException)
            return DeliveryFailure.lasting("the SMTP server " + server() + " refused the message" + said + "; check alerts.email.from and to", secrets);
        if (cause(e, SocketTimeoutException.class) != null)
            return DeliveryFailure.transientFailure("no answer from the SMTP server " + server() + " within " + AlertMessage.show(settings.timeout()), secrets);
        Throwable unreachable = cause(e, ConnectException.class, UnknownHostException.class, NoRouteToHostException.class);
        if (unreachable != null)
            return DeliveryFailure.transientFailure("cannot connect to the SMTP server " + server() + " (" + unreachable + ")", secrets);
        return DeliveryFailure.transientFailure("the SMTP server " + server() + " failed" + said, secrets);
    }

    @SafeVarargs
    private static Throwable cause(Throwable t, Class<? extends Throwable>... types) {
        for (Throwable c = t; c != null; c = c.getCause())
            for (var type : types)
                if (type.isInstance(c))
                    return c;
        return null;
    }
}
