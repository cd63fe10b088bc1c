package dev.sluice.server;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A pipeline file as the API shows it: its YAML as a JSON tree, with secrets masked. A value is
 * masked when its key names a secret (password, secret, token, api key, authorization, cookie,
 * credential, private key), and a URL shows no password (user info, or a {@code password=}
 * parameter). A value that only refers to a secret ({@code ${env:NAME}}, {@code ${file:PATH}}) is
 * shown as it is: it names where the secret lives, not the secret.
 */
final class ConfigRedaction {
    static final String MASK = "***";
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(pass(word|wd)?|secret|token|api[_-]?key|apikey|authorization|cookie|credential|private[_-]?key|signature).*");
    private static final Pattern REFERENCE = Pattern.compile("(\\$\\{(env|file):[^}]*}\\s*)+");
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)(://[^/@\\s:]*:)[^/@\\s]*@");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([?&;](password|pass|pwd|secret|token|api_key|apikey)=)[^&;\\s]*");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigRedaction() {
    }

    /** The file's text as a redacted JSON tree; text that does not parse gives an empty object. */
    static JsonNode redact(String yaml) {
        Object tree;
        try {
            tree = new Load(LoadSettings.builder().setAllowDuplicateKeys(true).build()).loadFromString(yaml);
        } catch (RuntimeException e) {
            return NODES.objectNode();
        }
        return node(tree, false);
    }

    private static JsonNode node(Object value, boolean secret) {
        if (value instanceof Map<?, ?> map) {
            ObjectNode o = NODES.objectNode();
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                o.set(key, node(v, secret || SECRET_KEY.matcher(key).matches()));
            });
            return o;
        }
        if (value instanceof List<?> list) {
            ArrayNode a = NODES.arrayNode();
            list.forEach(v -> a.add(node(v, secret)));
            return a;
        }
        if (value == null)
            return NODES.nullNode();
        if (secret)
            return REFERENCE.matcher(String.valueOf(value).strip()).matches() ? NODES.stringNode(String.valueOf(value)) : NODES.stringNode(MASK);
        if (value instanceof Boolean b)
            return NODES.booleanNode(b);
        if (value instanceof Integer i)
            return NODES.numberNode(i);
        if (value instanceof Long l)
            return NODES.numberNode(l);
        if (value instanceof Double d)
            return NODES.numberNode(d);
        return NODES.stringNode(url(String.valueOf(value)));
    }

    /** A text with any password in a URL masked. */
    static String url(String text) {
        String t = URL_USERINFO.matcher(text).replaceAll("$1" + MASK + "@");
        return URL_PASSWORD.matcher(t).replaceAll("$1" + MASK);
    }
}
