package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * The answer to an {@link HttpCall}: a 2xx, or a status the call declared empty.
 *
 * @param uri the URL that answered: resolve links found in the answer (next pages) against it
 * @param body the whole body, at most the connection's max_body
 * @param declaredEmpty the status was one of the call's {@code emptyStatuses}; the body is the server's,
 *     and the caller decides what "empty" means and counts it
 * @param attempts how many attempts this answer took, the first included
 */
public record HttpAnswer(int status, URI uri, HttpHeaders headers, byte[] body, boolean declaredEmpty, int attempts) {
    public HttpAnswer {
        requireNonNull(uri, "uri is null");
        requireNonNull(headers, "headers is null");
        requireNonNull(body, "body is null");
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "HttpAnswer[status=" + status + ", bytes=" + body.length + ", declaredEmpty=" + declaredEmpty + ", attempts=" + attempts + "]";
    }
}
