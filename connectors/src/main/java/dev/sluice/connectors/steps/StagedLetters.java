package dev.sluice.connectors.steps;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import dev.sluice.core.window.Window;

/**
 * The dead letters of the windows in progress, each window's in its own temporary JSON Lines file, so
 * that a window with many rejected records takes disk, not memory.
 */
final class StagedLetters {
    /** One window's staging file, open for appending. */
    static final class Staged {
        final Path file;
        private final BufferedWriter writer;
        long count;

        Staged(Path file) throws IOException {
            this.file = file;
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        void append(String line) throws IOException {
            writer.write(line);
            writer.write('\n');
            count++;
        }

        /** Closes the file with its content on disk. */
        void seal() throws IOException {
            writer.close();
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                c.force(true);
            }
        }

        void delete() {
            try {
                writer.close();
            } catch (IOException ignored) {
                // deleted next anyway
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary name: never taken for dead letters
            }
        }
    }

    private final Map<Window, Staged> byWindow = new ConcurrentHashMap<>();
    private final Function<Window, Path> newFile;

    /** {@code newFile} creates an empty temporary file for a window. */
    StagedLetters(Function<Window, Path> newFile) {
        this.newFile = newFile;
    }

    void append(Window window, String line) throws IOException {
        Staged s;
        try {
            s = byWindow.computeIfAbsent(window, w -> {
                try {
                    return new Staged(newFile.apply(w));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        s.append(line);
    }

    /** Takes the window's staging out, to commit it; empty when nothing was staged. */
    Optional<Staged> take(Window window) {
        return Optional.ofNullable(byWindow.remove(window));
    }

    void discard(Window window) {
        take(window).ifPresent(Staged::delete);
    }

    /** The windows with letters staged now. */
    Set<Window> windows() {
        return Set.copyOf(byWindow.keySet());
    }

    void discardAll() {
        for (Window w : byWindow.keySet())
            discard(w);
    }
}
