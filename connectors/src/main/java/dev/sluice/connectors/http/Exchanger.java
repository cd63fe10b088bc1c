package dev.sluice.connectors.http;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * Sends one HTTP request of an open connection, with every timeout and the body cap; retries and auth
 * are the caller's. Owns the connection's HTTP client.
 */
final class Exchanger implements AutoCloseable {
    private final String name;
    private final HttpConnectionConfig config;
    private final Redaction redaction;
    private final ExecutorService executor;
    private final HttpClient client;

    /** Builds the HTTP client; reads tls.ca_file, so a bad one fails here with CONFIG_INVALID. */
    Exchanger(String name, HttpConnectionConfig config, Redaction redaction) {
        this.name = name;
        this.config = config;
        this.redaction = redaction;
        SSLContext ssl;
        try {
            ssl = TrustedCertificates.context(config.caFile());
        } catch (IOException | GeneralSecurityException e) {
            throw new SluiceException(ErrorCode.CONFIG_INVALID, "connection '" + name + "': cannot use tls.ca_file "
                    + config.caFile().map(Object::toString).orElse("") + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); it must be a readable PEM file of CA certificates", e);
        }
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.client = HttpClient.newBuilder()
                .connectTimeout(config.timeouts().connect())
                .followRedirects(HttpClient.Redirect.NEVER) // a redirect could carry our credentials to another origin
                .sslContext(ssl)
                .executor(executor)
                .build();
    }

    HttpRequest.Builder request(URI uri) {
        var b = HttpRequest.newBuilder(uri).timeout(config.timeouts().read());
        if (uri.getScheme().equalsIgnoreCase("http"))
            b.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain-HTTP servers
        return b;
    }

    /**
     * Sends {@code request} and reads the whole body. Timeouts: connect (the client), read (the request
     * timeout until the headers, then the time since the last part of the body) and total (the whole
     * exchange, body included); on either of the last two the exchange is cancelled.
     *
     * @param label what the call is for, and {@code what} the request as messages show it
     */
    Received exchange(HttpRequest request, String label, String what) throws Transient {
        var body = new AtomicReference<CappedBody>();
        long cap = config.maxBody().bytes();
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, info -> {
            var b = new CappedBody(cap, info.headers().firstValueAsLong("content-length").orElse(-1));
            body.set(b);
            return b;
        });
        long read = config.timeouts().read().toNanos();
        long deadline = started + config.timeouts().total().toNanos();
        try {
            while (true) {
                long now = System.nanoTime();
                CappedBody b = body.get();
                long stalledUntil = (b == null ? started : b.lastProgress()) + read;
                if (now - deadline >= 0)
                    throw cancelled(future, Transient.timeout(config.timeouts().total(), "total timeout"));
                if (now - stalledUntil >= 0)
                    throw cancelled(future, Transient.timeout(config.timeouts().read(), "read timeout"));
                try {
                    HttpResponse<byte[]> r = future.get(Math.min(deadline, stalledUntil) - now, TimeUnit.NANOSECONDS);
                    return new Received(r.statusCode(), r.uri(), r.headers(), r.body());
                } catch (TimeoutException e) {
                    // look again: body data may have arrived in the meantime
                }
            }
        } catch (ExecutionException e) {
            throw failure(e.getCause(), "connection '" + name + "', " + label + ": ", what, request.uri());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.RUN_INTERRUPTED, "connection '" + name + "', " + label + ": " + what + " was interrupted");
        }
    }

    @Override
    public void close() {
        client.shutdownNow();
        try {
            client.awaitTermination(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }

    private static Transient cancelled(CompletableFuture<?> future, Transient t) {
        future.cancel(true); // closes the exchange, so a slow body stops here
        return t;
    }

    /** A failed exchange as a Transient to retry, or a SluiceException when retrying cannot help. */
    private Transient failure(Throwable cause, String where, String what, URI uri) {
        if (find(cause, CappedBody.TooLarge.class) != null)
            throw new SluiceException(ErrorCode.SOURCE_INVALID_DATA, where + "the response of " + what + " is larger than max_body "
                    + config.maxBody() + "; raise connections." + name + ".max_body or ask for smaller pages");
        if (find(cause, HttpConnectTimeoutException.class) != null)
            return Transient.timeout(config.timeouts().connect(), "connect timeout");
        if (find(cause, HttpTimeoutException.class) != null)
            return Transient.timeout(config.timeouts().read(), "read timeout");
        SSLHandshakeException tls = find(cause, SSLHandshakeException.class);
        if (tls != null)
            throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, where + what + " failed: the TLS handshake with " + HttpConnection.origin(uri)
                    + " failed (" + redaction.scrub(tls.getMessage()) + "); if its certificate comes from a private CA, set tls.ca_file of connections."
                    + name + " to that CA's PEM file", tls);
        IOException io = find(cause, IOException.class);
        if (io != null)
            return Transient.io(io, redaction.scrub(io.getMessage()));
        throw new SluiceException(ErrorCode.INTERNAL, where + what + " failed: " + cause.getClass().getSimpleName()
                + ": " + redaction.scrub(cause.getMessage()), cause);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause())
            if (type.isInstance(c))
                return type.cast(c);
        return null;
    }
}
