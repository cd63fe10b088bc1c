package dev.sluice.core.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A pipeline's {@code include:}: top-level keys shared by several pipelines (connections, steps, a sink)
 * kept in one file. Each file named is a mapping of top-level keys; a key the pipeline sets itself wins
 * over an included one as a whole (no deep merge), and a key of an earlier include wins over a later
 * one. Included files are read once, when the pipeline loads, relative to the pipeline's folder; they
 * cannot include further files. Problems in them are reported with their own file name and line.
 */
final class Includes {
    /** Parses a YAML text to its top mapping, adding problems (with {@code label} as the file) as it goes. */
    @FunctionalInterface
    interface Parser {
        MappingNode parse(String label, String text, ConfigProblems problems);
    }

    private Includes() {
    }

    /** The pipeline's mapping with the included keys added and {@code include} itself gone. */
    static MappingNode merge(MappingNode root, Path baseDir, ConfigProblems problems, Parser parser) {
        NodeTuple include = null;
        var own = new LinkedHashMap<String, NodeTuple>();
        for (NodeTuple t : root.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
            if (key.equals("include"))
                include = t;
            else
                own.putIfAbsent(key, t);
        }
        if (include == null)
            return root;
        var tuples = new ArrayList<>(root.getValue());
        tuples.remove(include);
        Map<String, NodeTuple> added = new LinkedHashMap<>();
        for (ScalarNode name : names(include.getValueNode(), problems)) {
            MappingNode included = read(name, baseDir, problems, parser);
            if (included == null)
                continue;
            for (NodeTuple t : included.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
                if (key.equals("include")) {
                    report(problems, t.getKeyNode(), "include", "an included file cannot include others; list every file in the pipeline's include:");
                    continue;
                }
                if (!own.containsKey(key))
                    added.putIfAbsent(key, t);
            }
        }
        tuples.addAll(added.values());
        root.setValue(tuples);
        return root;
    }

    private static List<ScalarNode> names(Node value, ConfigProblems problems) {
        if (value instanceof ScalarNode s)
            return List.of(s);
        var out = new ArrayList<ScalarNode>();
        if (value instanceof SequenceNode seq) {
            for (Node n : seq.getValue()) {
                if (n instanceof ScalarNode s)
                    out.add(s);
                else
                    report(problems, n, "include", "must be a file name, e.g. include: [_shared.yaml]");
            }
            return out;
        }
        report(problems, value, "include", "must be a file name or a list of them, e.g. include: [_shared.yaml]");
        return out;
    }

    private static MappingNode read(ScalarNode name, Path baseDir, ConfigProblems problems, Parser parser) {
        Path file = baseDir.resolve(name.getValue()).normalize();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            report(problems, name, "include", "the file " + file + " does not exist; paths are relative to the pipeline file's folder");
            return null;
        } catch (MalformedInputException e) {
            report(problems, name, "include", file + " is not UTF-8 text; save it as UTF-8");
            return null;
        } catch (IOException e) {
            report(problems, name, "include", "cannot read " + file + ": " + e.getMessage());
            return null;
        }
        MappingNode m = parser.parse(file.getFileName().toString(), text, problems);
        if (m == null && !text.isBlank())
            return null; // the parser reported why
        if (m == null)
            report(problems, name, "include", file.getFileName() + " is empty; an included file holds top-level keys such as connections: or steps:");
        return m;
    }

    private static void report(ConfigProblems problems, Node at, String path, String message) {
        var mark = at.getStartMark();
        problems.add(mark.map(m -> m.getName()).orElse(""), mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0),
                path, message);
    }
}
