package dev.sluice.connectors.steps;

import dev.sluice.core.spi.StepContext;
import dev.sluice.core.window.Window;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters as JSON Lines files, one per window: {@code PATH/STEP/[start]_[end].jsonl}. Staged in a
 * temporary file beside it (a name starting with a dot and ending in .tmp) and moved into place
 * atomically on commit, so a reader never sees half a window and a re-run replaces the file; a
 * re-run without dead letters removes it.
 */
final class FileDeadLetters implements DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(FileDeadLetters.class);

    private final Path dir;
    private final StagedLetters staged;
    private final Set<Window> committed = ConcurrentHashMap.newKeySet();

    FileDeadLetters(Path base, String step) {
        this.dir = base.resolve(step);
        this.staged = new StagedLetters(w -> {
            try {
                Files.createDirectories(dir);
                return Files.createTempFile(dir, "." + w.fileName() + ".", ".tmp");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    Path fileOf(Window window) {
        return dir.resolve(window.fileName() + ".jsonl");
    }

    @Override
    public void open(StepContext context) {
        committed.clear();
    }

    @Override
    public void stage(DeadLetter letter) throws IOException {
        try {
            staged.append(letter.window(), letter.toJson().toString());
        } catch (UncheckedIOException e) {
            throw new IOException("cannot stage dead letters in " + dir + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void commit(Window window) throws IOException {
        Optional<StagedLetters.Staged> s = staged.take(window);
        Path target = fileOf(window);
        if (s.isEmpty()) {
            Files.deleteIfExists(target); // this attempt rejected nothing: an earlier attempt's letters no longer hold
            committed.add(window);
            return;
        }
        try {
            s.get().seal();
            try {
                Files.move(s.get().file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(s.get().file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            s.get().delete();
            throw new IOException("cannot write dead letters to " + target + ": " + e.getMessage(), e);
        }
        syncDir();
        committed.add(window);
    }

    private void syncDir() {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system syncs a folder; the rename is still atomic
        }
    }

    @Override
    public void discard(Window window) {
        staged.discard(window);
        if (committed.remove(window)) {
            try {
                Files.deleteIfExists(fileOf(window));
            } catch (IOException e) {
                log.atWarn().addKeyValue("window", window.toString()).log("could not remove the dead letters of failed window: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        staged.discardAll();
        committed.clear();
    }

    @Override
    public String toString() {
        return "dead-letter files in " + dir;
    }
}
