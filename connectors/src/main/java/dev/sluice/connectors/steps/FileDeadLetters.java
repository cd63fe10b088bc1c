package dev.sluice.connectors.steps;

import dev.sluice.core.PipelineId;
import dev.sluice.core.spi.StepContext;
import dev.sluice.core.window.Window;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dead letters as JSON Lines files, one per window: {@code PATH/STEP/[start]_[end].jsonl}. Staged in a
 * temporary file beside it (a name starting with a dot and ending in .tmp) and moved into place
 * atomically on commit, so a reader never sees half a window and a re-run replaces the file; a
 * re-run without dead letters removes it.
 *
 * <p>A file holds the letters of one commit of one window, so {@link #purge} removes whole files: a file
 * goes when every letter in it is of the pipeline and was rejected before the cut. A file it cannot read
 * as dead letters is left alone, and so are the staging files.
 */
final class FileDeadLetters implements DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(FileDeadLetters.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

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
    public long purge(PipelineId pipeline, Instant before, boolean dryRun) throws IOException {
        if (!Files.isDirectory(dir))
            return 0;
        Set<Path> inProgress = staged.windows().stream().map(this::fileOf).collect(Collectors.toSet());
        long letters = 0;
        boolean removed = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path file : files) {
                if (inProgress.contains(file))
                    continue;
                OptionalLong old = allRejectedBefore(file, pipeline, before);
                if (old.isEmpty())
                    continue;
                if (!dryRun)
                    removed |= Files.deleteIfExists(file);
                letters += old.getAsLong();
            }
        } catch (IOException e) {
            throw new IOException("cannot remove old dead letters in " + dir + ": " + e.getMessage(), e);
        }
        if (removed)
            syncDir();
        return letters;
    }

    /** How many letters the file holds, if it holds some and all are of {@code pipeline} and were rejected before {@code before}. */
    private static OptionalLong allRejectedBefore(Path file, PipelineId pipeline, Instant before) throws IOException {
        long count = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Optional<Instant> rejected = rejectedAt(line, pipeline);
                if (rejected.isEmpty()) {
                    log.atWarn().addKeyValue("file", file.toString())
                            .log("left alone by cleanup: line {} is not a dead letter of pipeline {}", count + 1, pipeline);
                    return OptionalLong.empty();
                }
                if (!rejected.get().isBefore(before))
                    return OptionalLong.empty();
                count++;
            }
        } catch (NoSuchFileException e) {
            return OptionalLong.empty(); // removed meanwhile
        }
        return count == 0 ? OptionalLong.empty() : OptionalLong.of(count);
    }

    private static Optional<Instant> rejectedAt(String line, PipelineId pipeline) {
        try {
            JsonNode letter = JSON.readTree(line);
            JsonNode of = letter.get("pipeline"), at = letter.get("rejected_at");
            if (of == null || at == null || !pipeline.value().equals(of.asString()))
                return Optional.empty();
            return Optional.of(Instant.parse(at.asString()));
        } catch (JacksonException | DateTimeParseException e) {
            return Optional.empty();
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
