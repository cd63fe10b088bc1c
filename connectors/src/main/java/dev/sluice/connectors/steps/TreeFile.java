package dev.sluice.connectors.steps;

import dev.sluice.core.config.ConfigObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A JSON or YAML document named by a step's configuration ({@code schema_file:}, {@code template_file:}), read when the pipeline loads. */
final class TreeFile {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TreeFile() {
    }

    /**
     * The inline value of {@code inlineKey} or the document in the file named by {@code fileKey} (relative
     * to the pipeline file); exactly one of them must be given. Problems are reported at the key.
     */
    static Optional<JsonNode> inlineOrFile(ConfigObject config, String inlineKey, String fileKey, String what) {
        boolean inline = config.has(inlineKey), file = config.has(fileKey);
        if (inline == file) {
            config.problem(inline ? "both " + inlineKey + " and " + fileKey + " are given; keep one"
                    : "missing " + what + ": write it inline under " + inlineKey + ": or name a JSON or YAML file (relative to the pipeline "
                    + "file) with " + fileKey + ":");
            config.json(inlineKey);
            config.string(fileKey);
            return Optional.empty();
        }
        if (inline)
            return config.json(inlineKey);
        Optional<Path> path = config.file(fileKey);
        if (path.isEmpty())
            return Optional.empty();
        try {
            String text = Files.readString(path.get());
            Object tree = new Load(LoadSettings.builder().setLabel(path.get().getFileName().toString()).build()).loadFromString(text);
            return Optional.of(JSON.valueToTree(tree));
        } catch (IOException e) {
            config.problem(fileKey, "cannot read " + path.get() + ": " + e.getMessage() + "; the path is relative to the pipeline file");
        } catch (YamlEngineException e) {
            config.problem(fileKey, path.get().getFileName() + " is not JSON or YAML: " + e.getMessage().replace('\n', ' '));
        } catch (RuntimeException e) {
            config.problem(fileKey, path.get().getFileName() + " cannot be read as a document: " + e.getMessage());
        }
        return Optional.empty();
    }
}
