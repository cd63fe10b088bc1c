package dev.sluice.connectors.files;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Sink;
import dev.sluice.core.spi.SinkContext;
import dev.sluice.core.spi.WindowWriter;
import dev.sluice.core.window.Window;
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
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
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
 * files, which a manifest may still name.
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
    static final int MAX_OPEN_FILES = 32;
    private static final Logger log = LoggerFactory.getLogger(FileSink.class);

    private final FileSinkConfig config;
    private final FileFormat format;
    private final Path dir;
    private final Path stateDir;
    private final Pattern partialName;
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
        this.partialName = Pattern.compile("\\..+\\." + format.extension() + "(\\.commit)?\\.[0-9a-z]+\\.partial");
    }

    /** A JSON Lines sink: one compact JSON object per line. */
    public static FileSink jsonl(FileSinkConfig config) {
        return new FileSink(config, new JsonlFormat());
    }

    /** A CSV sink, see {@link CsvFormat}. */
    public static FileSink csv(FileSinkConfig config, CsvOptions options) {
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
                .addKeyValue("deletes", manifest.deletes().size()).log("rolled forward a window commit interrupted by a crash");
    }

    /** Does what a manifest says, then deletes it. Repeating it after a crash half-way through is harmless. */
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
        touched.forEach(this::syncDir);
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

    private void deletePartials() {
        var folders = new ArrayList<Path>();
        folders.add(dir);
        folders.addAll(list(dir, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)));
        int deleted = 0;
        for (Path folder : folders) {
            for (Path p : list(folder, f -> partialName.matcher(f.getFileName().toString()).matches()
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

    /** The text of a record's partition value, or empty when the field is missing or null. */
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
        private final Map<String, Staged> files = new HashMap<>();
        private final List<Staged> order = new ArrayList<>();
        /** Open files, least recently written first. */
        private final LinkedHashMap<Staged, Boolean> open = new LinkedHashMap<>(16, 0.75f, true);
        private State state = State.STAGING;
        private boolean pastCommitPoint;

        Writer(Window window) {
            this.window = window;
            this.fileName = window.fileName() + "." + format.extension();
        }

        @Override
        public void write(DataRecord record) {
            requireNonNull(record, "record is null");
            if (state != State.STAGING)
                throw new IllegalStateException("write() after commit() or close() of window " + window);
            String folder = config.partitionBy()
                    .map(f -> SafeFileName.encode(f) + "=" + SafeFileName.encode(partitionValue(record.data(), f)))
                    .orElse("");
            Staged file = files.get(folder);
            if (file == null) {
                file = new Staged(folder.isEmpty() ? dir : dir.resolve(folder));
                files.put(folder, file);
                order.add(file);
            }
            try {
                file.ensureOpen();
                file.encoder.write(record.data());
            } catch (IOException e) {
                throw unavailable("write", file.tmp, e);
            }
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

            Staged(Path folder) {
                this.target = folder.resolve(fileName);
                this.tmp = folder.resolve("." + fileName + "." + random() + ".partial");
                this.encoder = format.newEncoder(target.toString());
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
