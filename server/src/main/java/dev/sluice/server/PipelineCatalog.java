package dev.sluice.server;

import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final Map<Path, Seen> seen = new TreeMap<>();

    /** What a file held when it was last read: its digest, and the problem if it did not validate. */
    private record Seen(String digest, Optional<String> problem) {
    }

    /** A change found by a scan. */
    sealed interface Change {
        Path file();
    }

    /** A file that validated, new or changed. */
    record Loaded(Path file, String digest, PipelineConfig config) implements Change {
    }

    /** A file that is new or changed and does not validate; {@code problem} says why, with lines. */
    record Invalid(Path file, String digest, String problem) implements Change {
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
        Map<Path, String> present = new LinkedHashMap<>();
        for (Path file : files()) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                continue; // removed or replaced between listing and reading: the next scan sees it
            }
            String digest = Sha256.hex(content);
            present.put(file, digest);
            Seen before = seen.get(file);
            if (before != null && before.digest().equals(digest))
                continue;
            try {
                PipelineConfig config = loader.load(file, new String(content, StandardCharsets.UTF_8));
                seen.put(file, new Seen(digest, Optional.empty()));
                changes.add(new Loaded(file, digest, config));
            } catch (SluiceException e) {
                seen.put(file, new Seen(digest, Optional.of(e.getMessage())));
                changes.add(new Invalid(file, digest, e.getMessage()));
            } catch (RuntimeException e) {
                String problem = file.getFileName() + " could not be loaded: " + e;
                seen.put(file, new Seen(digest, Optional.of(problem)));
                changes.add(new Invalid(file, digest, problem));
            }
        }
        for (Path gone : new ArrayList<>(seen.keySet()))
            if (!present.containsKey(gone)) {
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
