package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code {type: java, class: com.example.MyStep, jar: steps/my-steps.jar, config: {...}}}: a step written in
 * Java, for what the declarative steps cannot say. The class implements {@link Step} and has a public
 * constructor taking a {@link JsonNode} (the {@code config:} value, an empty object when absent) or,
 * when it needs no configuration, a public constructor without arguments. It is loaded and
 * constructed when the pipeline loads, from {@code jar:} (relative to the pipeline file) or from the
 * class path.
 */
public final class JavaStepProvider implements StepProvider {
    @Override
    public String type() {
        return "java";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        String className = config.required("class", "com.example.MyStep");
        Optional<Path> jar = config.file("jar");
        Optional<JsonNode> settings = config.json("config");
        if (className == null)
            return null;
        URLClassLoader own = null;
        ClassLoader loader = JavaStepProvider.class.getClassLoader();
        if (jar.isPresent()) {
            if (!Files.isRegularFile(jar.get())) {
                config.problem("jar", jar.get() + " is not a file; build the jar with your step there, or fix the path (relative to the pipeline file)");
                return null;
            }
            try {
                own = new URLClassLoader("sluice-step-" + name, new URL[] {jar.get().toUri().toURL()}, loader);
                loader = own;
            } catch (MalformedURLException e) {
                config.problem("jar", jar.get() + " is not a valid path: " + e.getMessage());
                return null;
            }
        }
        Optional<Step> step = construct(className, loader, settings, config, jar);
        if (step.isEmpty()) {
            closeQuietly(own);
            return null;
        }
        return new JavaStep(name, className, step.get(), own);
    }

    private static Optional<Step> construct(String className, ClassLoader loader, Optional<JsonNode> settings, ConfigObject config, Optional<Path> jar) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            config.problem("class", "no class " + className + (jar.isPresent() ? " in " + jar.get() + " or on the class path"
                    : " on the class path") + "; check the name, package included, or name the jar that holds it with jar: steps/my-steps.jar"
                    + (e instanceof LinkageError ? " (" + e + ")" : ""));
            return Optional.empty();
        }
        if (!Step.class.isAssignableFrom(type)) {
            config.problem("class", className + " does not implement " + Step.class.getName() + "; implement it (open, apply, close) "
                    + "to use the class as a step");
            return Optional.empty();
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
            config.problem("class", className + " must be a public class that is not abstract");
            return Optional.empty();
        }
        Constructor<?> withConfig = constructor(type, JsonNode.class);
        Constructor<?> plain = constructor(type);
        if (withConfig == null && plain == null) {
            config.problem("class", className + " has no public constructor that Sluice can call; add one taking a "
                    + JsonNode.class.getName() + " (the step's config:) or one without arguments");
            return Optional.empty();
        }
        if (withConfig == null && settings.isPresent()) {
            config.problem("config", className + " has no public constructor taking a " + JsonNode.class.getName()
                    + ", so it cannot be given config:; add one, or remove config:");
            return Optional.empty();
        }
        try {
            Object step = withConfig != null ? withConfig.newInstance(settings.orElseGet(JsonNodeFactory.instance::objectNode)) : plain.newInstance();
            return Optional.of((Step) step);
        } catch (InvocationTargetException e) {
            config.problem("class", "constructing " + className + " failed: " + e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            config.problem("class", "cannot construct " + className + ": " + e);
        }
        return Optional.empty();
    }

    private static Constructor<?> constructor(Class<?> type, Class<?>... parameters) {
        try {
            Constructor<?> c = type.getConstructor(parameters);
            return Modifier.isPublic(c.getModifiers()) ? c : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    static void closeQuietly(URLClassLoader loader) {
        if (loader == null)
            return;
        try {
            loader.close();
        } catch (IOException ignored) {
            // the jar stays open until exit; nothing is lost
        }
    }
}
