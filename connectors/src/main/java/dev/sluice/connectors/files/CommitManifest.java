package dev.sluice.connectors.files;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * What committing one window does to the output folder: the staged files to rename to their final
 * names, the old files of the window to delete, then, with {@code file_per: partition}, the folders of
 * parts whose value's file to rebuild from them. Paths are relative to the sink's folder, with
 * {@code /} between names; every name in them is safe (window names, encoded values, our temporary
 * names), so they hold no tab and no line break.
 *
 * <p>Text form, UTF-8: a {@value #HEADER} line, then {@code move<TAB>from<TAB>to},
 * {@code delete<TAB>path} and {@code rebuild<TAB>folder} lines, then {@value #END}. A manifest of
 * {@code file_per: window} has no rebuild line, so it reads the same as before rebuilds existed. The
 * end line lets a reader tell a whole manifest from a damaged one, though the sink only ever renames
 * a fully written and synced manifest into place.
 */
record CommitManifest(List<Move> moves, List<String> deletes, List<String> rebuilds) {
    static final String HEADER = "sluice-commit 1";
    static final String END = "end";

    record Move(String from, String to) {
        Move {
            requireNonNull(from, "from is null");
            requireNonNull(to, "to is null");
        }
    }

    CommitManifest {
        moves = List.copyOf(requireNonNull(moves, "moves is null"));
        deletes = List.copyOf(requireNonNull(deletes, "deletes is null"));
        rebuilds = List.copyOf(requireNonNull(rebuilds, "rebuilds is null"));
        for (Move m : moves) {
            checkName(m.from());
            checkName(m.to());
        }
        deletes.forEach(CommitManifest::checkName);
        rebuilds.forEach(CommitManifest::checkName);
    }

    /** Renames and deletes only, as {@code file_per: window} commits. */
    CommitManifest(List<Move> moves, List<String> deletes) {
        this(moves, deletes, List.of());
    }

    String text() {
        var b = new StringBuilder(HEADER).append('\n');
        for (Move m : moves)
            b.append("move\t").append(m.from()).append('\t').append(m.to()).append('\n');
        for (String d : deletes)
            b.append("delete\t").append(d).append('\n');
        for (String r : rebuilds)
            b.append("rebuild\t").append(r).append('\n');
        return b.append(END).append('\n').toString();
    }

    /** Reads the text form; throws {@link IllegalArgumentException} saying what is wrong with it. */
    static CommitManifest parse(String text) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER))
            throw new IllegalArgumentException("it does not begin with '" + HEADER + "'");
        if (!lines.getLast().equals(END))
            throw new IllegalArgumentException("it does not end with '" + END + "'");
        var moves = new ArrayList<Move>();
        var deletes = new ArrayList<String>();
        var rebuilds = new ArrayList<String>();
        for (String line : lines.subList(1, lines.size() - 1)) {
            String[] parts = line.split("\t", -1);
            if (parts[0].equals("move") && parts.length == 3)
                moves.add(new Move(parts[1], parts[2]));
            else if (parts[0].equals("delete") && parts.length == 2)
                deletes.add(parts[1]);
            else if (parts[0].equals("rebuild") && parts.length == 2)
                rebuilds.add(parts[1]);
            else
                throw new IllegalArgumentException("line '" + line + "' is none of 'move<TAB>from<TAB>to', 'delete<TAB>path' and "
                        + "'rebuild<TAB>folder'");
        }
        return new CommitManifest(moves, deletes, rebuilds);
    }

    private static void checkName(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\t") || path.contains("\n"))
            throw new IllegalArgumentException("'" + path + "' is not a relative path of the output folder");
        for (String part : path.split("/", -1))
            if (part.isEmpty() || part.equals(".") || part.equals(".."))
                throw new IllegalArgumentException("'" + path + "' is not a relative path of the output folder");
    }
}
