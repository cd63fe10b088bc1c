package dev.sluice.connectors.files;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.files.FileSinkConfig.FilePer;
import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkContext;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.Window;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes each window to files in one folder, JSON Lines or CSV, and makes each window's files appear,
 * or be replaced, all at once.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * DIR/&lt;window&gt;.jsonl                       without partition_by
 * DIR/FIELD=&lt;value&gt;/&lt;window&gt;.jsonl         with partition_by: FIELD, one file per value
 * DIR/FIELD=%null/&lt;window&gt;.jsonl           records where FIELD is missing or null
 * DIR/.sluice/&lt;window&gt;.jsonl.commit        a commit in progress (see below)
 * </pre>
 *
 * {@code <window>} is {@link Window#fileName()}, which sorts in window order; {@code FIELD} and
 * {@code <value>} are made safe and injective by {@link SafeFileName} ({@code lot=A%2FB} for
 * {@code A/B}). Folders are never deleted, even when they become empty, so that a window being
 * written at the same time never finds its folder gone.
 *
 * <h2>Staging</h2>
 *
 * Records go to temporary files next to their final place, named
 * {@code .<window>.jsonl.<random>.partial}: hidden, and not ending in {@code .jsonl} or {@code .csv},
 * so that nothing that looks for output sees them. Nothing gets a final name before
 * {@link WindowWriter#commit()}. {@link WindowWriter#close()} without a commit deletes them. A window
 * with many partition values keeps at most {@value #MAX_OPEN_FILES} files open, reopening the others
 * to append.
 *
 * <h2>Commit</h2>
 *
 * The window's output after a commit is exactly the new attempt's files: the commit also deletes the
 * window's files that an earlier attempt left under other names (a partition value that no longer
 * appears, or a layout from before {@code partition_by} changed). First every staged file is flushed
 * and fsynced. Then:
 *
 * <ul>
 *   <li>One file and nothing old to delete: an atomic rename onto the final name, replacing an older
 *       file of the same name. The rename is the commit point.
 *   <li>Otherwise (several partition files, or old files to delete, or an empty window that replaces
 *       older output): a manifest listing every rename and delete is written to a temporary file in
 *       {@code DIR/.sluice/}, fsynced, and renamed atomically to {@code <window>.<ext>.commit}; that
 *       rename, with an fsync of the folder, is the commit point. Then the renames and deletes are done
 *       and fsynced, and the manifest is deleted. Every step can be repeated: a rename whose source is
 *       gone was done, a delete of a missing file was done.
 *   <li>An empty window with no older output writes nothing.
 * </ul>
 *
 * A crash before the commit point leaves only temporary files: the window was not committed, the
 * ledger says so and it runs again. A crash after it leaves a manifest: {@link #open} (and
 * {@link #begin} of that window) rolls it forward, so the window shows all of its new files and none
 * of its old ones, and never a mix. Only then does {@link #open} delete leftover {@code .partial}
 * files, which a manifest may still name, in the folder, its partition folders and {@code .parts/*}.
 *
 * <h2>One file per value: {@code file_per: partition}</h2>
 *
 * With {@code file_per: partition} (and {@code partition_by: FIELD}) each value has one file holding
 * the rows of every window, kept whole from hidden parts, one per window and value:
 *
 * <pre>
 * DIR/&lt;value&gt;.csv                                what readers see: every window's rows of the value
 * DIR/%null.csv                                   records where FIELD is missing or null
 * DIR/.parts/FIELD=&lt;value&gt;/&lt;window&gt;.jsonl         the rows of one window, the source of truth
 * DIR/.sluice/&lt;window&gt;.csv.commit                 a commit in progress
 * </pre>
 *
 * Parts are always JSON Lines, whatever the format, and hold whole records. A window stages and
 * commits its parts as partition files are staged and committed above, always through a manifest:
 * the commit renames the new parts into place, deletes the window's parts of an earlier attempt (so
 * that running a window again replaces its rows) and, in the same manifest, names each touched value's
 * part folder to rebuild. Rebuilding a value writes its file from all of its parts, in window order
 * and each part in the order written, under a temporary name ({@code .<value>.csv.<random>.partial}),
 * fsyncs it and renames it into place; a value whose last part is gone loses its file. A rebuild
 * depends only on the parts, so repeating it after a crash gives the same file, and {@link #open}
 * rolls forward a manifest including its rebuilds. Rebuilds are serialised by a lock in the sink and
 * each commit rebuilds after its own renames, so windows committed at once all end up in the file.
 *
 * <p>With {@code replace_by: KEY}, of the windows whose rows have the same value of KEY, only the last
 * one's rows go into the file (a record modified in a later window replaces its older rows instead of
 * being repeated); rows without KEY, or with null, are all kept. Keys are compared as text, as
 * partition values are: {@code 7} and {@code "7"} are the same key. A first pass over the parts finds
 * the last part of each key, a second writes the file: memory holds the keys of one value, never its
 * rows. A CSV file leaves KEY out unless it is one of the columns; a JSON Lines file keeps it.
 *
 * <p>A CSV file's columns must be set, as one header covers every window. A record with a field that
 * is neither a column nor KEY fails its window when it is written ({@code SINK_REJECTED}), never at a
 * rebuild after the commit point; a rebuild writes only the columns, so a column removed from the
 * settings leaves a file at its next rebuild.
 *
 * <p>Numbers are read back from the parts as exact decimals, so no digit is lost (a JDBC
 * {@code 12.30} stays {@code 12.30}); a floating-point number that was in exponent notation comes out
 * in plain notation ({@code 1.0E-4} as {@code 0.00010}), the same value.
 *
 * <p>Cost: a value's file is rewritten whole each time a window touches it, so this suits values whose
 * rows come in up to a few hundred windows, not values that gather rows forever; the parts take more
 * disk space than the files (JSON Lines repeat the field names: about 2.5 times a CSV file's size). Part folders are never deleted, like partition folders. Parts
 * of another {@code partition_by} field are neither read nor deleted: change the field in a new folder.
 *
 * <p>A folder belongs to one sink of one pipeline: the sink deletes any of its leftover temporary
 * files there and replaces the files of the windows it writes.
 *
 * <p>On a case-insensitive file system (macOS, Windows) partition values that differ only in case
 * would share one file; the sink finds out when it opens and then fails such a window with
 * {@code SINK_REJECTED} rather than let one file replace the other.
 */
public final class FileSink implements Sink {
    static final String STATE_DIR = ".sluice";
    static final String PARTS_DIR = ".parts";
    static final int MAX_OPEN_FILES = 32;
    /** Parts are JSON Lines whatever the format, so that they keep every field of a record. */
    private static final FileFormat PART_FORMAT = new JsonlFormat();
    /**
     * Reads parts back with numbers as exact decimals: as doubles, {@code 12.30} (a JDBC numeric)
     * would come back as {@code 12.3} and a long decimal would lose digits.
     */
    private static final JsonMapper PART_READER = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();
    static final String CSV_NEEDS_COLUMNS = "file_per: partition needs columns: every window's rows go into one file per "
            + "value, so its columns must be fixed rather than taken from a first record; list them, e.g. columns: [id, ts, value]";
    private static final Logger log = LoggerFactory.getLogger(FileSink.class);

    private final FileSinkConfig config;
    private final FileFormat format;
    private final Path dir;
    private final Path stateDir;
    private final Path partsDir;
    private final Pattern partialName;
    private final Pattern partPartialName;
    /** Fields the sink handles itself, which the format does not need to hold: replace_by. */
    private final Set<String> sinkFields;
    /**
     * Held while value files are rebuilt: a rebuild lists a value's parts and renames its file, and
     * two of them interleaving could leave the file of the one that saw fewer parts.
     */
    private final ReentrantLock rebuildLock = new ReentrantLock();
    private volatile boolean opened;
    /** Whether the file system folds case; found out by {@link #open}, set by tests to try the other case. */
    volatile boolean caseInsensitive;
    private volatile String pipeline = "";
    /** Runs right after a manifest's commit point; crash tests make it throw to stop there, like a kill would. */
    volatile Runnable afterCommitPoint = () -> { };

    FileSink(FileSinkConfig config, FileFormat format) {
        this.config = requireNonNull(config, "config is null");
        this.format = requireNonNull(format, "format is null");
        this.dir = config.dir().toAbsolutePath().normalize();
        this.stateDir = dir.resolve(STATE_DIR);
        this.partsDir = dir.resolve(PARTS_DIR);
        this.partialName = Pattern.compile("\\..+\\." + format.extension() + "(\\.commit)?\\.[0-9a-z]+\\.partial");
        this.partPartialName = Pattern.compile("\\..+\\." + PART_FORMAT.extension() + "\\.[0-9a-z]+\\.partial");
        this.sinkFields = config.replaceBy().map(Set::of).orElse(Set.of());
    }

    /** A JSON Lines sink: one compact JSON object per line. */
    public static FileSink jsonl(FileSinkConfig config) {
        return new FileSink(config, new JsonlFormat());
    }

    /**
     * A CSV sink, see {@link CsvFormat}. With {@code file_per: partition} the columns must be set: a
     * value's file gathers the rows of every window under one header.
     */
    public static FileSink csv(FileSinkConfig config, CsvOptions options) {
        if (config.filePer() == FilePer.PARTITION && options.columns().isEmpty())
            throw new IllegalArgumentException(CSV_NEEDS_COLUMNS);
        return new FileSink(config, new CsvFormat(options));
    }

    public FileSinkConfig config() {
        return config;
    }

    /**
     * Creates the folder, rolls forward every commit that a crash interrupted, then deletes leftover
     * temporary files.
     */
    @Override
    public void open(SinkContext context) {
        pipeline = "pipeline '" + context.pipeline() + "': ";
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw unavailable("create the folder", stateDir, e);
        }
        caseInsensitive = Files.exists(dir.resolve(STATE_DIR.toUpperCase(Locale.ROOT)), LinkOption.NOFOLLOW_LINKS);
        for (Path manifest : list(stateDir, p -> p.getFileName().toString().endsWith("." + format.extension() + ".commit")))
            rollForward(manifest);
        deletePartials();
        syncDir(dir); // makes .sluice itself durable before any manifest is renamed into it
        opened = true;
    }

    @Override
    public WindowWriter begin(Window window) {
        requireNonNull(window, "window is null");
        if (!opened)
            throw new IllegalStateException("begin() before open()");
        Path manifest = manifestOf(window);
        if (Files.exists(manifest, LinkOption.NOFOLLOW_LINKS))
            rollForward(manifest); // an earlier attempt in this process failed half-way through applying its commit
        return new Writer(window);
    }

    /** The output folder, and the format. */
    @Override
    public String target() {
        return dir + " (" + format.extension() + ")";
    }

    @Override
    public void close() {
        // Every window writer closes its own files.
    }

    private Path manifestOf(Window window) {
        return stateDir.resolve(window.fileName() + "." + format.extension() + ".commit");
    }

    private void rollForward(Path manifestFile) {
        CommitManifest manifest;
        try {
            manifest = CommitManifest.parse(Files.readString(manifestFile, UTF_8));
        } catch (IOException e) {
            throw unavailable("read the commit manifest", manifestFile, e);
        } catch (IllegalArgumentException e) {
            throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline + format.extension() + " sink: the commit manifest "
                    + manifestFile + " is damaged (" + e.getMessage() + "); the files of its window may be incomplete. Delete "
                    + "the manifest and that window's files, then run the window again (sluice backfill)");
        }
        apply(manifest, manifestFile);
        log.atInfo().addKeyValue("manifest", manifestFile).addKeyValue("moves", manifest.moves().size())
                .addKeyValue("deletes", manifest.deletes().size()).addKeyValue("rebuilds", manifest.rebuilds().size())
                .log("rolled forward a window commit interrupted by a crash");
    }

    /**
     * Does what a manifest says, then deletes it: the renames and deletes, then the rebuilds of value
     * files, which read the parts as the renames and deletes left them. Repeating it after a crash
     * half-way through is harmless.
     */
    private void apply(CommitManifest manifest, Path manifestFile) {
        var touched = new LinkedHashSet<Path>();
        for (CommitManifest.Move m : manifest.moves()) {
            Path from = inside(m.from()), to = inside(m.to());
            try {
                if (Files.exists(from, LinkOption.NOFOLLOW_LINKS))
                    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw unavailable("rename " + from + " to", to, e);
            }
            touched.add(to.getParent());
        }
        for (String d : manifest.deletes()) {
            Path p = inside(d);
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw unavailable("delete the old output", p, e);
            }
            touched.add(p.getParent());
        }
        touched.add(dir); // a partition folder created for this window is itself a new name in dir
        if (!manifest.rebuilds().isEmpty())
            touched.add(partsDir); // and a part folder is a new name in .parts
        touched.forEach(this::syncDir);
        if (!manifest.rebuilds().isEmpty())
            rebuild(manifest.rebuilds());
        try {
            Files.deleteIfExists(manifestFile);
        } catch (IOException e) {
            throw unavailable("delete the commit manifest", manifestFile, e);
        }
        syncDir(stateDir);
    }

    private Path inside(String relative) {
        Path p = dir.resolve(relative).normalize();
        if (!p.startsWith(dir) || p.equals(dir))
            throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline + "the commit manifest names '" + relative
                    + "', which is outside " + dir + "; it is not one this sink wrote. Delete it from " + stateDir);
        return p;
    }

    /**
     * Rebuilds the file of each value whose part folder is named, one commit at a time. Each commit
     * rebuilds after its own renames, so whichever rebuilds a value last sees every part renamed
     * before it: two windows committed at once both end up in the file.
     */
    private void rebuild(List<String> partFolders) {
        try {
            // No timeout: the wait is for other rebuilds, local reads and writes that always finish.
            rebuildLock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline + format.extension() + " sink was interrupted "
                    + "before rebuilding the files of " + partFolders + "; the commit is finished when the window runs again or the "
                    + "sink next opens");
        }
        try {
            for (String folder : partFolders)
                rebuildValue(folder);
            syncDir(dir);
        } finally {
            rebuildLock.unlock();
        }
    }

    /**
     * Writes the file of one value from all of its parts, in window order, under a temporary name,
     * then renames it into place; deletes the file when no part is left. With replace_by, a first pass
     * finds the last part holding each key, so that memory holds the keys of one value, not its rows.
     */
    private void rebuildValue(String relativeFolder) {
        Path folder = inside(relativeFolder);
        String name = folder.getFileName().toString();
        int eq = name.indexOf('=');
        if (!partsDir.equals(folder.getParent()) || eq <= 0 || eq == name.length() - 1)
            throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline + "the commit manifest names '" + relativeFolder
                    + "' to rebuild, which is not a folder of " + partsDir + "; it is not one this sink wrote. Delete it from "
                    + stateDir);
        Path view = dir.resolve(name.substring(eq + 1) + "." + format.extension());
        List<Path> parts = list(folder, FileSink::isPart);
        if (parts.isEmpty()) {
            try {
                Files.deleteIfExists(view);
            } catch (IOException e) {
                throw unavailable("delete the file of a value without parts", view, e);
            }
            return;
        }
        Path tmp = dir.resolve("." + view.getFileName() + "." + random() + ".partial");
        boolean renamed = false;
        try {
            Map<String, Integer> lastPart = new HashMap<>();
            if (config.replaceBy().isPresent()) {
                String field = config.replaceBy().get();
                for (int i = 0; i < parts.size(); i++) {
                    int part = i;
                    readPart(parts.get(i), r -> partitionValue(r, field).ifPresent(key -> lastPart.put(key, part)));
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                RecordEncoder out = format.newEncoder(view.toString());
                out.attach(Channels.newOutputStream(ch));
                for (int i = 0; i < parts.size(); i++) {
                    int part = i;
                    readPart(parts.get(i), r -> {
                        // A key missing from the first pass is in a part that a commit changed meanwhile; that
                        // commit rebuilds this value after this rebuild, so keeping the row does no harm.
                        Integer last = config.replaceBy().flatMap(f -> partitionValue(r, f)).map(lastPart::get).orElse(null);
                        if (last == null || last == part)
                            out.write(format.fitted(r));
                    });
                }
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, view, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
        } catch (IOException e) {
            throw unavailable("rebuild the file", view, e);
        } finally {
            if (!renamed)
                deleteQuietly(tmp);
        }
    }

    private interface PartReader {
        void accept(ObjectNode record) throws IOException;
    }

    /**
     * Reads the records of a part in order. A part that is gone was deleted by a commit running at
     * the same time, which rebuilds the value after this rebuild.
     */
    private void readPart(Path part, PartReader each) throws IOException {
        BufferedReader in;
        try {
            in = Files.newBufferedReader(part, UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        try (in) {
            int n = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                n++;
                JsonNode node;
                try {
                    node = PART_READER.readTree(line);
                } catch (JacksonException e) {
                    node = null;
                }
                if (!(node instanceof ObjectNode record))
                    throw new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline + format.extension() + " sink: line " + n
                            + " of the part " + part + " is not a JSON object, so the part was changed by something other than "
                            + "this sink. Delete the part, then run its window again (sluice backfill)");
                each.accept(record);
            }
        }
    }

    private static boolean isPart(Path p) {
        String name = p.getFileName().toString();
        return !name.startsWith(".") && name.endsWith("." + PART_FORMAT.extension()) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }

    private void deletePartials() {
        var folders = new LinkedHashMap<Path, Pattern>();
        folders.put(dir, partialName); // window files, and the temporary files of rebuilt value files
        for (Path folder : list(dir, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)))
            folders.put(folder, partialName);
        for (Path folder : list(partsDir, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)))
            folders.put(folder, partPartialName);
        int deleted = 0;
        for (var folder : folders.entrySet()) {
            Pattern temporary = folder.getValue();
            for (Path p : list(folder.getKey(), f -> temporary.matcher(f.getFileName().toString()).matches()
                    && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))) {
                try {
                    Files.deleteIfExists(p);
                    deleted++;
                } catch (IOException e) {
                    throw unavailable("delete the leftover temporary file", p, e);
                }
            }
        }
        if (deleted > 0)
            log.atInfo().addKeyValue("dir", dir).addKeyValue("files", deleted).log("deleted temporary files left by an earlier run");
    }

    private List<Path> list(Path folder, DirectoryStream.Filter<Path> filter) {
        var out = new ArrayList<Path>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder, filter)) {
            s.forEach(out::add);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw unavailable("list the folder", folder, e);
        }
        out.sort(null);
        return out;
    }

    /** Makes the names in a folder durable: a rename is only safe from a crash once its folder is synced. */
    private void syncDir(Path folder) {
        FileChannel ch;
        try {
            ch = FileChannel.open(folder, StandardOpenOption.READ);
        } catch (IOException e) {
            return; // Windows can't open a folder; NTFS journals its renames itself
        }
        try (ch) {
            ch.force(true);
        } catch (IOException e) {
            throw unavailable("sync the folder", folder, e);
        }
    }

    private SluiceException unavailable(String action, Path path, IOException e) {
        String why = e.getMessage() == null || path.toString().equals(e.getMessage()) ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new SluiceException(ErrorCode.SINK_UNAVAILABLE, pipeline + format.extension() + " sink could not " + action + " "
                + path + " (" + why + "); check that the folder exists, is writable and has free space, then run the window "
                + "again", e);
    }

    private String relative(Path p) {
        return dir.relativize(p).toString().replace('\\', '/');
    }

    /** The text of a record's partition value (or replace_by key), or empty when the field is missing or null. */
    static Optional<String> partitionValue(ObjectNode data, String field) {
        JsonNode v = data.get(field);
        if (v == null || v.isNull() || v.isMissingNode())
            return Optional.empty();
        if (v.isContainer())
            return Optional.of(JsonlFormat.JSON.writeValueAsString(v));
        return Optional.of(v.asString());
    }

    private static String random() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    private enum State { STAGING, COMMITTING, COMMITTED, CLOSED }

    /** The staged output of one window; used by one thread. */
    private final class Writer implements WindowWriter {
        private final Window window;
        private final String fileName;
        /** The name of this window's parts, with {@code file_per: partition}. */
        private final String partName;
        private final Map<String, Staged> files = new HashMap<>();
        private final List<Staged> order = new ArrayList<>();
        /** Open files, least recently written first. */
        private final LinkedHashMap<Staged, Boolean> open = new LinkedHashMap<>(16, 0.75f, true);
        private State state = State.STAGING;
        private boolean pastCommitPoint;

        Writer(Window window) {
            this.window = window;
            this.fileName = window.fileName() + "." + format.extension();
            this.partName = window.fileName() + "." + PART_FORMAT.extension();
        }

        @Override
        public void write(DataRecord record) {
            requireNonNull(record, "record is null");
            if (state != State.STAGING)
                throw new IllegalStateException("write() after commit() or close() of window " + window);
            Staged file;
            if (config.filePer() == FilePer.PARTITION) {
                String field = config.partitionBy().orElseThrow();
                String value = SafeFileName.encode(partitionValue(record.data(), field));
                // Refused now, while the window can still fail: the value's file is written after the commit point.
                format.check(record.data(), sinkFields, dir.resolve(value + "." + format.extension()).toString());
                file = staged(PARTS_DIR + "/" + SafeFileName.encode(field) + "=" + value, partName, PART_FORMAT);
            } else {
                String folder = config.partitionBy()
                        .map(f -> SafeFileName.encode(f) + "=" + SafeFileName.encode(partitionValue(record.data(), f)))
                        .orElse("");
                file = staged(folder, fileName, format);
            }
            try {
                file.ensureOpen();
                file.encoder.write(record.data());
            } catch (IOException e) {
                throw unavailable("write", file.tmp, e);
            }
        }

        /** The staged file in {@code folder} (relative to the sink's folder, empty for itself), made on first use. */
        private Staged staged(String folder, String name, FileFormat fileFormat) {
            Staged file = files.get(folder);
            if (file == null) {
                file = new Staged(folder.isEmpty() ? dir : dir.resolve(folder), name, fileFormat);
                files.put(folder, file);
                order.add(file);
            }
            return file;
        }

        @Override
        public void commit() {
            if (state != State.STAGING)
                throw new IllegalStateException("commit() of window " + window + " called twice or after close()");
            state = State.COMMITTING;
            for (Staged f : order) {
                try {
                    f.finish();
                } catch (IOException e) {
                    throw unavailable("write", f.tmp, e);
                }
            }
            rejectCaseCollisions();
            if (config.filePer() == FilePer.PARTITION) {
                int replaced = commitParts();
                state = State.COMMITTED;
                log.atDebug().addKeyValue("window", window).addKeyValue("parts", order.size()).addKeyValue("replaced", replaced)
                        .log("window parts committed");
                return;
            }
            Set<String> finals = new TreeSet<>();
            for (Staged f : order)
                finals.add(key(f.target));
            var stale = new ArrayList<Path>();
            for (Path p : existingOutputs())
                if (!finals.contains(key(p)))
                    stale.add(p);
            if (order.size() == 1 && stale.isEmpty()) {
                Staged only = order.getFirst();
                try {
                    Files.move(only.tmp, only.target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw unavailable("rename " + only.tmp + " to", only.target, e);
                }
                pastCommitPoint = true;
                syncDir(only.target.getParent());
                if (!only.target.getParent().equals(dir))
                    syncDir(dir);
            } else if (!order.isEmpty() || !stale.isEmpty()) {
                var manifest = new CommitManifest(
                        order.stream().map(f -> new CommitManifest.Move(relative(f.tmp), relative(f.target))).toList(),
                        stale.stream().map(FileSink.this::relative).toList());
                Path manifestFile = manifestOf(window);
                publish(manifest, manifestFile);
                pastCommitPoint = true;
                afterCommitPoint.run();
                apply(manifest, manifestFile);
            }
            state = State.COMMITTED;
            log.atDebug().addKeyValue("window", window).addKeyValue("files", order.size()).addKeyValue("replaced", stale.size())
                    .log("window files committed");
        }

        /**
         * Commits the parts through a manifest, always: it names the value folders to rebuild, so that
         * a crash after the commit point still rebuilds them. Returns how many old files it deletes.
         */
        private int commitParts() {
            Set<String> finals = new TreeSet<>();
            for (Staged f : order)
                finals.add(key(f.target));
            var stale = new ArrayList<Path>();
            for (Path p : existingParts())
                if (!finals.contains(key(p)))
                    stale.add(p);
            // This window's files of file_per: window, from before the layout changed; not a value's file of the same name.
            for (Path p : existingOutputs())
                if (!p.getParent().equals(dir) || !isValueFolder(window.fileName()))
                    stale.add(p);
            if (order.isEmpty() && stale.isEmpty())
                return 0;
            var rebuilds = new TreeSet<String>();
            for (Staged f : order)
                rebuilds.add(relative(f.target.getParent()));
            for (Path p : stale)
                if (p.getParent().getParent().equals(partsDir))
                    rebuilds.add(relative(p.getParent())); // the value lost this window's rows
            var manifest = new CommitManifest(
                    order.stream().map(f -> new CommitManifest.Move(relative(f.tmp), relative(f.target))).toList(),
                    stale.stream().map(FileSink.this::relative).toList(), List.copyOf(rebuilds));
            Path manifestFile = manifestOf(window);
            publish(manifest, manifestFile);
            pastCommitPoint = true;
            afterCommitPoint.run();
            apply(manifest, manifestFile);
            return stale.size();
        }

        /**
         * This window's parts from earlier attempts, in the folders of every value of the partition
         * field. Folders of another field (partition_by changed) are left alone: their rebuild would
         * write files of the same names as this field's.
         */
        private List<Path> existingParts() {
            var out = new ArrayList<Path>();
            String prefix = SafeFileName.encode(config.partitionBy().orElseThrow()) + "=";
            for (Path folder : list(partsDir, p -> p.getFileName().toString().startsWith(prefix)
                    && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                Path f = folder.resolve(partName);
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    out.add(f);
            }
            return out;
        }

        /** Whether {@code encodedValue} has a part folder, so that {@code DIR/encodedValue.ext} is its file. */
        private boolean isValueFolder(String encodedValue) {
            String field = SafeFileName.encode(config.partitionBy().orElseThrow());
            return Files.isDirectory(partsDir.resolve(field + "=" + encodedValue), LinkOption.NOFOLLOW_LINKS);
        }

        /** Writes the manifest under a temporary name, syncs it and renames it into place: the commit point. */
        private void publish(CommitManifest manifest, Path manifestFile) {
            Path tmp = stateDir.resolve("." + manifestFile.getFileName() + "." + random() + ".partial");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = ByteBuffer.wrap(manifest.text().getBytes(UTF_8));
                    while (bytes.hasRemaining())
                        ch.write(bytes);
                    ch.force(true);
                }
                Files.move(tmp, manifestFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw unavailable("write the commit manifest", manifestFile, e);
            }
            syncDir(stateDir);
        }

        /** This window's files from earlier attempts, wherever the layout put them. */
        private List<Path> existingOutputs() {
            var out = new ArrayList<Path>();
            Path root = dir.resolve(fileName);
            if (Files.isRegularFile(root, LinkOption.NOFOLLOW_LINKS))
                out.add(root);
            for (Path folder : list(dir, p -> {
                String name = p.getFileName().toString();
                return !name.startsWith(".") && name.contains("=") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            })) {
                Path f = folder.resolve(fileName);
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    out.add(f);
            }
            return out;
        }

        /** How the file system tells two paths apart. */
        private String key(Path p) {
            String r = relative(p);
            return caseInsensitive ? r.toLowerCase(Locale.ROOT) : r;
        }

        private void rejectCaseCollisions() {
            if (!caseInsensitive)
                return;
            var seen = new HashMap<String, Path>();
            for (Staged f : order) {
                Path other = seen.putIfAbsent(key(f.target), f.target);
                if (other != null)
                    throw new SluiceException(ErrorCode.SINK_REJECTED, pipeline + format.extension() + " sink: window " + window
                            + " has partition values that differ only in upper and lower case ("
                            + relative(other.getParent()) + " and " + relative(f.target.getParent()) + "), and the file system of "
                            + dir + " does not tell them apart, so one file would replace the other. Normalise the case of '"
                            + config.partitionBy().orElseThrow() + "' with a step, or write to a case-sensitive file system");
            }
        }

        @Override
        public void close() {
            if (state == State.CLOSED)
                return;
            // Once the commit point is passed the temporary files belong to the manifest: keep them for roll-forward.
            if (!pastCommitPoint)
                for (Staged f : order)
                    f.discard();
            state = State.CLOSED;
        }

        /** One output file of the window, staged under a temporary name. */
        private final class Staged {
            final Path target;
            final Path tmp;
            final RecordEncoder encoder;
            private FileChannel channel;
            private boolean created;

            Staged(Path folder, String name, FileFormat fileFormat) {
                this.target = folder.resolve(name);
                this.tmp = folder.resolve("." + name + "." + random() + ".partial");
                this.encoder = fileFormat.newEncoder(target.toString());
            }

            void ensureOpen() throws IOException {
                if (channel != null) {
                    open.get(this); // marks it most recently used
                    return;
                }
                if (open.size() >= MAX_OPEN_FILES) {
                    Iterator<Staged> eldest = open.keySet().iterator();
                    Staged e = eldest.next();
                    eldest.remove();
                    e.setAside();
                }
                if (created) {
                    channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                } else {
                    Files.createDirectories(tmp.getParent());
                    try {
                        channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    } catch (FileAlreadyExistsException e) {
                        throw new IOException("a temporary file of the same random name exists; run the window again", e);
                    }
                    created = true;
                }
                encoder.attach(Channels.newOutputStream(channel));
                open.put(this, Boolean.TRUE);
            }

            /** Closes the file to keep few open; {@link #ensureOpen} reopens it to append. */
            private void setAside() throws IOException {
                encoder.flush();
                channel.close();
                channel = null;
            }

            /** Flushes and fsyncs the whole file, and closes it. */
            void finish() throws IOException {
                if (channel == null) {
                    channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                } else {
                    encoder.flush();
                    open.remove(this);
                }
                try (FileChannel ch = channel) {
                    ch.force(true);
                } finally {
                    channel = null;
                }
            }

            void discard() {
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        // deleting it is what matters
                    }
                    channel = null;
                }
                deleteQuietly(tmp);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover .partial file is deleted when the sink next opens
        }
    }
}
