package dev.sluice.connectors.steps;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.sluice.connectors.jdbc.JdbcConnection;
import dev.sluice.core.config.ConfigObject;
import dev.sluice.core.spi.Step;
import dev.sluice.core.spi.StepProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code {type: validate, schema: {...} | schema_file: record.schema.json, on_invalid: fail | skip | dead_letter,
 * dead_letter: {path: dead-letters/} | {connection: NAME, table: sluice_dead_letters}, key: id}}: checks each
 * record against a JSON Schema (draft 2020-12), compiled and checked against the draft's meta-schema
 * when the pipeline loads.
 */
public final class ValidateStepProvider implements StepProvider {
    enum OnInvalid { FAIL, SKIP, DEAD_LETTER }

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    @Override
    public String type() {
        return "validate";
    }

    @Override
    public Step bind(String name, ConfigObject config) {
        Optional<JsonNode> tree = TreeFile.inlineOrFile(config, "schema", "schema_file", "the JSON Schema");
        String at = config.has("schema") ? "schema" : "schema_file";
        Optional<Schema> schema = tree.flatMap(t -> compile(t, m -> config.problem(at, m)));
        OnInvalid onInvalid = config.choice("on_invalid", OnInvalid.class).orElse(OnInvalid.FAIL);
        Optional<FieldPath> key = FieldBinding.path(config, "key");
        Optional<DeadLetters> deadLetters = Optional.empty();
        boolean ok = !(config.has("key") && key.isEmpty());
        if (onInvalid == OnInvalid.DEAD_LETTER) {
            if (!config.has("dead_letter")) {
                config.problem("on_invalid", "on_invalid: dead_letter needs dead_letter: where to put the rejected records, "
                        + "e.g. dead_letter: {path: dead-letters/} or dead_letter: {connection: warehouse, table: sluice_dead_letters}");
                ok = false;
            } else {
                deadLetters = deadLetters(name, config);
                ok &= deadLetters.isPresent();
            }
        } else if (config.has("dead_letter")) {
            config.problem("dead_letter", "dead_letter is used only with on_invalid: dead_letter; set that, or remove dead_letter");
            config.object("dead_letter").ifPresent(ConfigObject::keys);
            ok = false;
        }
        if (schema.isEmpty() || !ok)
            return null;
        return new ValidateStep(name, schema.get(), onInvalid, key, deadLetters);
    }

    /** The schema, checked against the draft 2020-12 meta-schema and with its references resolved. */
    static Optional<Schema> compile(JsonNode tree, java.util.function.Consumer<String> problems) {
        if (!tree.isObject() && !tree.isBoolean()) {
            problems.accept("a JSON Schema is a mapping, such as {type: object, required: [id]}");
            return Optional.empty();
        }
        try {
            List<Error> meta = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema")).validate(tree);
            if (!meta.isEmpty()) {
                problems.accept("not a valid JSON Schema (draft 2020-12): " + meta.stream().limit(5).map(Error::toString).collect(Collectors.joining("; ")));
                return Optional.empty();
            }
            Schema schema = REGISTRY.getSchema(tree);
            schema.validate(JsonNodeFactory.instance.objectNode()); // resolves $ref now, so that a broken one is a load error
            return Optional.of(schema);
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            problems.accept("not a valid JSON Schema: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<DeadLetters> deadLetters(String step, ConfigObject config) {
        Optional<ConfigObject> d = config.object("dead_letter");
        if (d.isEmpty())
            return Optional.empty();
        ConfigObject c = d.get();
        boolean file = c.has("path"), table = c.has("connection");
        Optional<DeadLetters> out = Optional.empty();
        if (file == table) {
            c.problem(file ? "give either path (files) or connection and table (a database table), not both"
                    : "missing the target: path: dead-letters/ for JSON Lines files, or connection: NAME and table: sluice_dead_letters for a table");
            c.keys();
        } else if (file) {
            Optional<Path> path = c.file("path");
            out = path.map(p -> new FileDeadLetters(p, step));
        } else {
            Optional<JdbcConnection> connection = c.connection("connection", JdbcConnection.class, JdbcConnection::bind);
            String name = c.string("table").orElse("sluice_dead_letters");
            if (!TABLE.matcher(name).matches()) {
                c.problem("table", "'" + name + "' is not a table name; use letters, digits and '_', with an optional schema: dead.letters");
            } else if (connection.isPresent()) {
                out = Optional.of(new TableDeadLetters(connection.get(), name, step));
            }
        }
        c.finish();
        return out;
    }
}
