package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.List;

/**
 * A JSON request body sent as it is read from its parts, in order: bytes in memory and files on disk, so
 * that a large body (an HTTP sink's window payload) is never held in memory whole. Every attempt of a call
 * reads the parts again from the start, so a file part must stay as it is until the call has returned.
 */
public record StreamedJson(List<Part> parts) {
    public StreamedJson {
        parts = List.copyOf(requireNonNull(parts, "parts is null"));
    }

    /** One piece of the body. */
    public sealed interface Part permits Bytes, FilePart {
    }

    /** Bytes held in memory; the array belongs to the body from then on, and nobody changes it. */
    public record Bytes(byte[] bytes) implements Part {
        public Bytes {
            requireNonNull(bytes, "bytes is null");
        }

        @Override
        public String toString() {
            return "Bytes[" + bytes.length + "]";
        }
    }

    /** The whole content of a file. */
    public record FilePart(Path file) implements Part {
        public FilePart {
            requireNonNull(file, "file is null");
        }
    }

    /** A publisher of the whole body; one per attempt. Its length is known, so it is sent with Content-Length. */
    BodyPublisher publisher() {
        var publishers = new BodyPublisher[parts.size()];
        for (int i = 0; i < publishers.length; i++) {
            publishers[i] = switch (parts.get(i)) {
                case Bytes b -> BodyPublishers.ofByteArray(b.bytes());
                case FilePart f -> {
                    try {
                        yield BodyPublishers.ofFile(f.file());
                    } catch (FileNotFoundException e) {
                        throw new UncheckedIOException("the staged request body " + f.file() + " is gone", e);
                    }
                }
            };
        }
        return BodyPublishers.concat(publishers);
    }
}
