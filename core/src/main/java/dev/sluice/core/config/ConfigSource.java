package dev.sluice.core.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The file being bound: its folder, its problems, its interpolation of ${env:} and ${file:}, and its
 * named {@code connections:}, each bound once and shared by every source and step that names it.
 */
final class ConfigSource {
    private final Path baseDir;
    private final ConfigProblems problems;
    private final Interpolator interpolator;
    private final Map<String, ConfigObject> connections = new LinkedHashMap<>();
    private final Map<String, Object> bound = new LinkedHashMap<>();

    ConfigSource(Path baseDir, ConfigProblems problems, Interpolator interpolator) {
        this.baseDir = baseDir;
        this.problems = problems;
        this.interpolator = interpolator;
    }

    Path baseDir() {
        return baseDir;
    }

    ConfigProblems problems() {
        return problems;
    }

    Interpolator interpolator() {
        return interpolator;
    }

    void defineConnection(String name, ConfigObject definition) {
        connections.put(name, definition);
    }

    Set<String> connectionNames() {
        return new TreeSet<>(connections.keySet());
    }

    /** Names defined but never used by a source, sink or step. */
    Set<String> unusedConnections() {
        var unused = new TreeSet<>(connections.keySet());
        unused.removeAll(bound.keySet());
        return unused;
    }

    ConfigObject definition(String name) {
        return connections.get(name);
    }

    /** The bound connection, binding it on first use; empty when it is not defined or of another type. */
    <T> Optional<Object> connection(String name, Function<ConfigObject, T> binder) {
        ConfigObject definition = connections.get(name);
        if (definition == null)
            return Optional.empty();
        Object value = bound.get(name);
        if (value == null && !bound.containsKey(name)) {
            value = binder.apply(definition);
            definition.finish();
            bound.put(name, value);
        }
        return Optional.ofNullable(value);
    }
}
