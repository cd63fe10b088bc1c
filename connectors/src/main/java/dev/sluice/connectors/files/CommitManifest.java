package dev.sluice.connectors.files;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * What committing one window does to the output folder: the staged files to rename to their final
 * names and the old files of the window to delete. Paths are relative to the sink's folder, with
 * {@code /} between names; every name in them is safe (window names, encoded values, our temporary
 * names), so they hold no tab and no line break.
 *
 * <p>Text form, UTF-8: a {@value #HEADER} line, then {@code move<TAB>from<TAB>to} and
 * {@code delete<TAB>path} lines, then {@value #END}. The end line lets a reader tell a whole manifest
 * from a damaged one, though the sink only ever renames a fully written and synced manifest into
 * place.
 */
record CommitManifest(List<Move> moves, List<String> deletes) {
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
        for (Move m : moves) {
            checkName(m.from());
            checkName(m.to());
        }
        deletes.forEach(CommitManifest::checkName);
    }

    String text() {
        var b = new StringBuilder(HEADER).append('\n');
        for (Move m : moves)
            b.append("move\t").append(m.from()).append('\t').append(m.to()).append('\n');
        for (String d : deletes)
            b.append("delete\t").append(d).append('\n');
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
        for (String line : lines.subList(1, lines.size() - 1)) {
            String[] parts = line.split("\t", -1);
            if (parts[0].equals("move") && parts.length == 3)
                moves.add(new Move(parts[1], parts[2]));
            else if (parts[0].equals("delete") && parts.length == 2)
                deletes.add(parts[1]);
            else
                throw new IllegalArgumentException("line '" + line + "' is neither 'move<TAB>from<TAB>to' nor 'delete<TAB>path'");
        }
        return new CommitManifest(moves, deletes);
    }

    private static void checkName(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\t") || path.contains("\n"))
            throw new IllegalArgumentException("'" + path + "' is not a relative path of the output folder");
        for (String part : path.split("/", -1))
            if (part.isEmpty() || part.equals(".") || part.equals(".."))
                throw new IllegalArgumentException("'" + path + "' is not a relative path of the output folder");
    }
}
