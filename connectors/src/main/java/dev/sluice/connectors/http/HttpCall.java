package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * One request to send on an {@link HttpConnection}.
 *
 * @param method such as GET or POST
 * @param pathOrUrl a path under the connection's base_url (its path prefix kept), or an absolute URL of an
 *     origin the connection {@linkplain HttpConnection#mayFollow may follow}. Characters that a URL cannot hold
 *     (spaces, non-ASCII) are percent-encoded; reserved ones such as / ? & keep their meaning, so a value put
 *     into a path must be encoded by whoever puts it there.
 * @param query parameters added to the URL in this order; values as rendered, encoded here
 * @param headers added to the connection's headers, replacing those of the same name
 * @param jsonBody sent as application/json when present
 * @param emptyStatuses statuses that mean "no data" for this call (seed 001's optional endpoints): answered
 *     at once, with {@link HttpAnswer#declaredEmpty()}, never retried and never a failure
 * @param label what the call is for, in messages and logs: "source", "step 'details'", "sink"
 * @param streamedBody sent as application/json when present, read from its parts on each attempt: for bodies
 *     too large to hold in memory; a call has this or {@code jsonBody}, not both
 */
public record HttpCall(String method, String pathOrUrl, Map<String, String> query, Map<String, String> headers,
                       Optional<JsonNode> jsonBody, Set<Integer> emptyStatuses, String label, Optional<StreamedJson> streamedBody) {
    public HttpCall {
        requireNonNull(method, "method is null");
        if (!method.matches("[A-Za-z]+"))
            throw new IllegalArgumentException("method must be a word such as GET or POST, was '" + method + "'");
        requireNonNull(pathOrUrl, "pathOrUrl is null");
        query = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(query, "query is null")));
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers, "headers is null")));
        requireNonNull(jsonBody, "jsonBody is null");
        emptyStatuses = Set.copyOf(requireNonNull(emptyStatuses, "emptyStatuses is null"));
        requireNonNull(label, "label is null");
        requireNonNull(streamedBody, "streamedBody is null");
        if (jsonBody.isPresent() && streamedBody.isPresent())
            throw new IllegalArgumentException("a call has a JSON body or a streamed body, not both");
    }

    /** A call with a JSON tree as its body, or none. */
    public HttpCall(String method, String pathOrUrl, Map<String, String> query, Map<String, String> headers,
                    Optional<JsonNode> jsonBody, Set<Integer> emptyStatuses, String label) {
        this(method, pathOrUrl, query, headers, jsonBody, emptyStatuses, label, Optional.empty());
    }

    /** A call that sends {@code body}, streamed from its parts, and takes only a 2xx as an answer. */
    public static HttpCall streamed(String method, String pathOrUrl, Map<String, String> query, Map<String, String> headers,
                                    StreamedJson body, String label) {
        return new HttpCall(method, pathOrUrl, query, headers, Optional.empty(), Set.of(), label, Optional.of(body));
    }

    /** A GET of {@code pathOrUrl} with nothing else. */
    public static HttpCall get(String pathOrUrl, String label) {
        return new HttpCall("GET", pathOrUrl, Map.of(), Map.of(), Optional.empty(), Set.of(), label);
    }

    /** Header values may carry credentials, so only their names are shown. */
    @Override
    public String toString() {
        return "HttpCall[" + method + " " + pathOrUrl + ", query=" + query.keySet() + ", headers=" + headers.keySet()
                + ", label=" + label + (streamedBody.isPresent() ? ", streamed body" : "") + "]";
    }
}
