package dev.sluice.core.config;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.util.ArrayList;
import java.util.List;

/** Every problem found in one pipeline file, so that all of them are reported together. */
public final class ConfigProblems {
    private final String file;
    private final List<String> problems = new ArrayList<>();

    public ConfigProblems(String file) {
        this.file = file;
    }

    /** Adds a problem at a 1-based line and column of the file; {@code path} is the key path, such as windows.size. */
    public void add(int line, int column, String path, String message) {
        add(file, line, column, path, message);
    }

    /**
     * Adds a problem at a 1-based line and column of another file than the one being read, such as a file
     * it includes.
     */
    public void add(String otherFile, int line, int column, String path, String message) {
        String where = line > 0 ? otherFile + " line " + line + ":" + column : otherFile;
        problems.add(where + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<String> all() {
        return List.copyOf(problems);
    }

    /** Throws one CONFIG_INVALID exception that lists every problem, if there is any. */
    public void throwIfAny() {
        if (problems.isEmpty())
            return;
        String head = problems.size() == 1 ? "1 problem in " + file : problems.size() + " problems in " + file;
        throw new SluiceException(ErrorCode.CONFIG_INVALID, head + ":\n  " + String.join("\n  ", problems));
    }
}
