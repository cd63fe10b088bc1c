package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.http.HttpSinkConfig.Mode;
import dev.sluice.connectors.http.HttpSinkConfig.OnEmpty;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.ConnectionStats;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.ObservedConnections;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkContext;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.SnapshotWindow;
import dev.sluice.core.window.Window;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the records of each window to an HTTP endpoint through a named connection, which gives every
 * request its auth, timeouts, retries, rate limit, concurrency limit and circuit breaker.
 *
 * <h2>Requests</h2>
 *
 * In {@link Mode#BATCH} a request goes out as soon as {@code batch_size} records are staged, from the
 * thread that writes them (so a slow receiver slows the source down instead of filling memory), and the
 * remaining records go at {@link WindowWriter#commit()}. A batch is held in memory as JSON text. In
 * {@link Mode#WINDOW} the window's records are written to a temporary file as they come, and one request
 * streams it at commit; memory use does not grow with the window.
 *
 * <p>Every request carries an idempotency key, {@code PIPELINE/WINDOW/N} with the window as in its file
 * names ({@link Window#fileName()}) and N the request's number in the window from 1: a re-run of the window
 * sends the same keys in the same order, so a receiver that remembers keys can drop what it already has.
 * Because of the key, the connection's retries apply to these POSTs as to any request.
 *
 * <h2>Commit</h2>
 *
 * {@link WindowWriter#commit()} returns once every request of the window was answered with a 2xx. An
 * answer that is not, after the connection's retries, fails the window: {@code SINK_UNAVAILABLE} for a
 * 5xx, 429, timeout or I/O error, {@code SINK_REJECTED} for another 4xx (401 and 403 included), the
 * message naming the method, the path, the status and a redacted excerpt of the answer.
 * {@link WindowWriter#close()} without a commit discards what is staged; batches already sent stay sent,
 * and the re-run of the window sends them again under the same keys.
 */
final class HttpSink implements Sink, ObservedConnections {
    private static final Logger log = LoggerFactory.getLogger(HttpSink.class);
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final int FILE_BUFFER = 64 * 1024;

    private final HttpConnection connection;
    private final HttpSinkConfig config;
    private volatile String pipeline;
    private volatile boolean opened;

    HttpSink(HttpConnection connection, HttpSinkConfig config) {
        this.connection = requireNonNull(connection, "connection is null");
        this.config = requireNonNull(config, "config is null");
    }

    HttpSinkConfig config() {
        return config;
    }

    @Override
    public void open(SinkContext context) {
        pipeline = context.pipeline().value();
        connection.open();
        opened = true;
    }

    @Override
    public WindowWriter begin(Window window) {
        requireNonNull(window, "window is null");
        if (!opened)
            throw new IllegalStateException("begin() before open()");
        return new Writer(window);
    }

    /** The method and URL, without credentials (a templated path is shown as written), and the connection. */
    @Override
    public String target() {
        return config.request().method() + " " + url() + " (connection '" + connection.name() + "')";
    }

    private String url() {
        Template path = config.request().path();
        String text = path.text();
        if (path.isConstant()) {
            try {
                URI u = connection.resolve(text);
                return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "") + u.getRawPath();
            } catch (SluiceException e) {
                // shown as written below
            }
        }
        if (text.contains("://"))
            return text.replaceFirst("://[^/@]*@", "://"); // an absolute URL: never show a user or password in it
        String base = connection.baseUrl().toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + (text.startsWith("/") ? "" : "/") + text;
    }

    @Override
    public void close() {
        if (opened) {
            opened = false;
            connection.close();
        }
    }

    /** The idempotency key of request {@code number} of {@code window}: the same on every run of that window. */
    static String key(String pipeline, Window window, int number) {
        return pipeline + "/" + window.fileName() + "/" + number;
    }

    private enum State { STAGING, COMMITTED, CLOSED }

    /** The staged output of one window; used by one thread. */
    private final class Writer implements WindowWriter {
        private final Window window;
        private final String pipelineName = pipeline;
        private State state = State.STAGING;
        /** Requests of this window answered so far. */
        private int sent;
        /** Records staged and not yet sent. */
        private long staged;
        private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
        private Path file;
        private OutputStream fileOut;

        Writer(Window window) {
            this.window = window;
        }

        @Override
        public void write(DataRecord record) {
            requireNonNull(record, "record is null");
            if (state != State.STAGING)
                throw new IllegalStateException("write() after commit() or close() of window " + window);
            byte[] json = JSON.writeValueAsBytes(record.data());
            OutputStream out = staging();
            try {
                if (staged > 0)
                    out.write(',');
                out.write(json);
            } catch (IOException e) {
                throw stagingFailed(e);
            }
            staged++;
            if (config.mode() == Mode.BATCH && staged == config.batchSize())
                send();
        }

        @Override
        public void commit() {
            if (state != State.STAGING)
                throw new IllegalStateException("commit() of window " + window + " called twice or after close()");
            try {
                if (staged > 0 || (sent == 0 && config.onEmpty() == OnEmpty.SEND))
                    send();
                state = State.COMMITTED;
            } catch (RuntimeException e) {
                state = State.CLOSED; // what was staged is gone: a second commit must not send an empty remainder
                throw e;
            } finally {
                discard();
            }
            log.atDebug().addKeyValue("pipeline", pipelineName).addKeyValue("window", window.toString()).addKeyValue("requests", sent)
                    .log("window delivered");
        }

        @Override
        public void close() {
            if (state == State.STAGING)
                state = State.CLOSED;
            discard();
        }

        private OutputStream staging() {
            if (config.mode() == Mode.BATCH)
                return memory;
            if (fileOut == null) {
                try {
                    file = Files.createTempFile("sluice-http-" + window.fileName() + "-", ".json");
                    fileOut = new BufferedOutputStream(Files.newOutputStream(file), FILE_BUFFER);
                } catch (IOException e) {
                    throw stagingFailed(e);
                }
            }
            return fileOut;
        }

        /** Sends the staged records as the next request of the window, and waits for a 2xx. */
        private void send() {
            int number = sent + 1;
            String key = key(pipelineName, window, number);
            Template.Scope scope = scope(number, staged, key);
            BodyTemplate.Frame frame;
            HttpCall rendered;
            try {
                frame = config.body().render(scope, config.time());
                rendered = config.request().render(scope, config.time(), Map.of(), "sink");
            } catch (SluiceException e) { // a variable this window does not have, such as window.last of a time window
                throw new SluiceException(ErrorCode.CONFIG_INVALID, "pipeline '" + pipelineName + "': http sink cannot build request "
                        + number + " of window " + window + ": " + e.getMessage() + "; change sink.request or sink.body", e);
            }
            StreamedJson.Part records;
            if (config.mode() == Mode.BATCH) {
                records = new StreamedJson.Bytes(memory.toByteArray());
            } else if (fileOut != null) {
                try {
                    fileOut.close(); // every byte on disk before the request reads the file
                } catch (IOException e) {
                    throw stagingFailed(e);
                }
                fileOut = null;
                records = new StreamedJson.FilePart(file);
            } else {
                records = new StreamedJson.Bytes(new byte[0]);
            }
            var body = new StreamedJson(List.of(new StreamedJson.Bytes(frame.before()), records, new StreamedJson.Bytes(frame.after())));
            var headers = new LinkedHashMap<>(rendered.headers());
            config.idempotencyHeader().ifPresent(h -> headers.put(h, key));
            HttpCall call = HttpCall.streamed(rendered.method(), rendered.pathOrUrl(), rendered.query(), headers, body, "sink");
            HttpAnswer answer;
            try {
                answer = connection.send(call);
            } catch (SluiceException e) {
                throw failed(e, number, key);
            }
            sent = number;
            log.atDebug().addKeyValue("pipeline", pipelineName).addKeyValue("window", window.toString()).addKeyValue("request", number)
                    .addKeyValue("records", staged).addKeyValue("status", answer.status()).addKeyValue("attempts", answer.attempts())
                    .log("records sent");
            staged = 0;
            memory.reset();
        }

        private Template.Scope scope(int number, long count, String key) {
            return new Template.Scope() {
                @Override
                public Optional<Object> window(String name) {
                    // a snapshot is taken at one instant: it starts and ends there
                    if (window instanceof SnapshotWindow s && (name.equals("start") || name.equals("end")))
                        return Optional.of(s.takenAt());
                    return Template.windowValue(window, name);
                }

                @Override
                public Optional<JsonNode> record(String path) {
                    return Optional.empty();
                }

                @Override
                public Optional<Object> page(String name) {
                    return Optional.empty();
                }

                @Override
                public Optional<Object> batch(String name) {
                    return switch (name) {
                        case "number" -> Optional.of((long) number);
                        case "count" -> Optional.of(count);
                        case "key" -> Optional.of(key);
                        default -> Optional.empty();
                    };
                }

                @Override
                public Optional<Object> pipeline(String name) {
                    return name.equals("name") ? Optional.of(pipelineName) : Optional.empty();
                }
            };
        }

        /** The connection's failure, said as the sink's: which request of which window, and the sink's error code. */
        private SluiceException failed(SluiceException e, int number, String key) {
            ErrorCode code = switch (e.code()) {
                case SOURCE_UNAVAILABLE, SOURCE_INVALID_DATA -> ErrorCode.SINK_UNAVAILABLE;
                case SOURCE_REJECTED, SOURCE_AUTH_FAILED -> ErrorCode.SINK_REJECTED;
                default -> e.code();
            };
            String what = config.mode() == Mode.WINDOW ? "the payload of window " + window
                    : "request " + number + " (" + staged + " records) of window " + window;
            String earlier = number > 1 ? "; requests 1 to " + (number - 1) + " of the window were delivered, and a re-run sends them "
                    + "again under the same idempotency keys" : "";
            return new SluiceException(code, "pipeline '" + pipelineName + "': http sink could not deliver " + what + " (key " + key + "): "
                    + e.getMessage() + earlier, e);
        }

        private SluiceException stagingFailed(IOException e) {
            return new SluiceException(ErrorCode.SINK_UNAVAILABLE, "pipeline '" + pipelineName + "': http sink could not stage window "
                    + window + " in " + (file == null ? "a temporary file" : file) + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); check the free space of the temporary folder (java.io.tmpdir), then run the window again", e);
        }

        private void discard() {
            memory.reset();
            staged = 0;
            if (fileOut != null) {
                try {
                    fileOut.close();
                } catch (IOException e) {
                    // deleting it is what matters
                }
                fileOut = null;
            }
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    log.atWarn().addKeyValue("file", file).log("could not delete the staged records of window {}: {}", window, e.getMessage());
                }
                file = null;
            }
        }
    }

    @Override
    public String toString() {
        return "HttpSink[" + target() + ", mode=" + config.mode().name().toLowerCase(Locale.ROOT) + "]";
    }

    @Override
    public List<ConnectionStats> connectionStats() {
        return List.of(connection.observed());
    }
}
