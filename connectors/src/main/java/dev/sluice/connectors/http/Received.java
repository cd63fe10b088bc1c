package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpHeaders;

/** One HTTP response, body read whole (at most max_body). */
record Received(int status, URI uri, HttpHeaders headers, byte[] body) {
    Received {
        requireNonNull(uri, "uri is null");
        requireNonNull(headers, "headers is null");
        requireNonNull(body, "body is null");
    }

    boolean ok() {
        return status >= 200 && status < 300;
    }
}
