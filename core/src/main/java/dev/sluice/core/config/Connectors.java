package dev.sluice.core.config;

import dev.sluice.core.spi.SinkProvider;
import dev.sluice.core.spi.StepProvider;
import dev.sluice.core.spi.SourceProvider;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The source and sink types on the class path, found with {@link ServiceLoader}. */
public record Connectors(Map<String, SourceProvider> sources, Map<String, SinkProvider> sinks, Map<String, StepProvider> steps) {
    public Connectors {
        sources = Map.copyOf(sources);
        sinks = Map.copyOf(sinks);
        steps = Map.copyOf(steps);
    }

    public Connectors(Map<String, SourceProvider> sources, Map<String, SinkProvider> sinks) {
        this(sources, sinks, Map.of());
    }

    public static Connectors discover() {
        ClassLoader loader = Connectors.class.getClassLoader();
        var sources = new TreeMap<String, SourceProvider>();
        ServiceLoader.load(SourceProvider.class, loader).forEach(p -> sources.put(p.type(), p));
        var sinks = new TreeMap<String, SinkProvider>();
        ServiceLoader.load(SinkProvider.class, loader).forEach(p -> sinks.put(p.type(), p));
        var steps = new TreeMap<String, StepProvider>();
        ServiceLoader.load(StepProvider.class, loader).forEach(p -> steps.put(p.type(), p));
        return new Connectors(sources, sinks, steps);
    }

    public Optional<SourceProvider> source(String type) {
        return Optional.ofNullable(sources.get(type));
    }

    public Optional<SinkProvider> sink(String type) {
        return Optional.ofNullable(sinks.get(type));
    }
}
