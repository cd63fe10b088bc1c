package dev.sluice.server;

import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The pipeline files of a folder and what each last said. {@link #scan()} reads the folder again and
 * reports what changed: a file that is new or whose content changed is loaded and validated; only a
 * file that validates replaces the version that runs, and a file that does not is reported with its
 * problems while the version before it keeps running. Files are {@code *.yaml} and {@code *.yml}
 * directly in the folder; names starting with '.' or '_' are left alone (drafts, editors' copies).
 *
 * <p>Not thread-safe: the service scans from one thread.
 */
final class PipelineCatalog {
    private final Path folder;
    private final ConfigLoader loader;
    private static final long SETTLE_SECONDS = 3;
    private final Map<Path, Seen> seen = new TreeMap<>();

    /**
     * A file as last read: its size and modification time, to skip reading it again while they stay
     * the same, and its content's digest, so that a touch without a change reloads nothing.
     */
    private record Seen(long size, FileTime modified, String digest) {
    }

    /** A change found by a scan. */
    sealed interface Change {
        Path file();
    }

    /** A file that validated, new or changed, with the text it was loaded from. */
    record Loaded(Path file, String text, PipelineConfig config) implements Change {
    }

    /** A file that is new or changed and does not validate; {@code problem} says why, with lines. */
    record Invalid(Path file, String problem) implements Change {
    }

    /** A file that is gone. */
    record Removed(Path file) implements Change {
    }

    PipelineCatalog(Path folder, ConfigLoader loader) {
        this.folder = folder;
        this.loader = loader;
    }

    Path folder() {
        return folder;
    }

    /** Reads the folder and returns the changes since the last scan, files in name order. */
    List<Change> scan() {
        var changes = new ArrayList<Change>();
        var present = new HashSet<Path>();
        for (Path file : files()) {
            present.add(file);
            Seen before = seen.get(file);
            byte[] content;
            long size;
            FileTime modified;
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                size = attributes.size();
                modified = attributes.lastModifiedTime();
                // A file modified in the last seconds is read anyway: a coarse clock can give two quick
                // edits of the same size the same modification time.
                boolean settled = modified.toInstant().isBefore(Instant.now().minusSeconds(SETTLE_SECONDS));
                if (before != null && settled && before.size() == size && before.modified().equals(modified))
                    continue;
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                continue; // removed or replaced between listing and reading: the next scan sees it
            }
            String digest = Sha256.hex(content);
            seen.put(file, new Seen(size, modified, digest));
            if (before != null && before.digest().equals(digest))
                continue;
            String text = new String(content, StandardCharsets.UTF_8);
            try {
                changes.add(new Loaded(file, text, loader.load(file, text)));
            } catch (SluiceException e) {
                changes.add(new Invalid(file, e.getMessage()));
            } catch (RuntimeException e) {
                changes.add(new Invalid(file, file.getFileName() + " could not be loaded: " + e));
            }
        }
        for (Path gone : new ArrayList<>(seen.keySet()))
            if (!present.contains(gone)) {
                seen.remove(gone);
                changes.add(new Removed(gone));
            }
        return changes;
    }

    /** Forgets a file's digest, so that the next scan loads it again (after its pipeline was refused). */
    void forget(Path file) {
        seen.remove(file);
    }

    private List<Path> files() {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(Files::isRegularFile).filter(PipelineCatalog::isPipelineFile).sorted().toList();
        } catch (IOException e) {
            throw new SluiceException(dev.sluice.core.ErrorCode.USAGE, "cannot list the pipelines folder " + folder + ": " + e.getMessage()
                    + "; check that it exists and can be read");
        }
    }

    static boolean isPipelineFile(Path file) {
        String name = file.getFileName().toString();
        return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.startsWith(".") && !name.startsWith("_");
    }
}
