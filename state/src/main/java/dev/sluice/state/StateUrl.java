package dev.sluice.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.Secret;
import dev.sluice.core.SluiceException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the state lives, parsed from what the user wrote: {@code sqlite:PATH}, or a PostgreSQL URL
 * ({@code jdbc:postgresql://…}, {@code postgresql://…}, {@code postgres://…}). The password, from
 * {@code user:pass@} or {@code ?password=}, is split off into a {@link Secret}, so that neither
 * {@link #jdbcUrl()} nor {@link #description()} carries it.
 *
 * @param endpoint what to name in messages: the file, or {@code host:port/database}
 */
record StateUrl(
        Dialect dialect,
        String jdbcUrl,
        Optional<String> user,
        Optional<Secret> password,
        String description,
        String endpoint,
        Optional<Path> file) {
    private static final String USAGE = "use sqlite:PATH (a file, created on first use) or "
            + "jdbc:postgresql://HOST[:PORT]/DATABASE[?user=USER] (or postgresql://USER@HOST/DATABASE)";

    StateUrl {
        requireNonNull(dialect, "dialect is null");
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(description, "description is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(file, "file is null");
    }

    static StateUrl parse(String url) {
        requireNonNull(url, "url is null");
        String u = url.strip();
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sqlite:"))
            return sqlite(u.substring("sqlite:".length()));
        if (lower.startsWith("jdbc:sqlite:"))
            return sqlite(u.substring("jdbc:sqlite:".length()));
        for (String scheme : List.of("jdbc:postgresql://", "postgresql://", "postgres://"))
            if (lower.startsWith(scheme))
                return postgres(u.substring(0, scheme.length()), u.substring(scheme.length()));
        throw new SluiceException(ErrorCode.CONFIG_INVALID,
                "state location '" + redact(u) + "' is not understood; " + USAGE);
    }

    private static StateUrl sqlite(String location) {
        if (location.isBlank() || location.startsWith(":memory:") || location.startsWith("file:"))
            throw new SluiceException(ErrorCode.CONFIG_INVALID,
                    "state location 'sqlite:" + location + "' needs a file path; " + USAGE);
        Path file;
        try {
            file = Path.of(location).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new SluiceException(ErrorCode.CONFIG_INVALID,
                    "state location 'sqlite:" + location + "' is not a valid path: " + e.getMessage(), e);
        }
        return new StateUrl(Dialect.SQLITE, "jdbc:sqlite:" + file, Optional.empty(), Optional.empty(),
                "sqlite:" + file, file.toString(), Optional.of(file));
    }

    private static StateUrl postgres(String scheme, String rest) {
        int end = indexOfAny(rest, "/?");
        String authority = end < 0 ? rest : rest.substring(0, end);
        String pathAndQuery = end < 0 ? "" : rest.substring(end);
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);

        Optional<String> user = Optional.empty();
        Optional<Secret> password = Optional.empty();
        int at = authority.lastIndexOf('@');
        String hosts = authority;
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            hosts = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String name = colon < 0 ? userInfo : userInfo.substring(0, colon);
            if (!name.isEmpty())
                user = Optional.of(decode(name));
            if (colon >= 0)
                password = Optional.of(new Secret(decode(userInfo.substring(colon + 1))));
        }

        List<String> kept = new ArrayList<>();
        for (String param : query.split("&")) {
            if (param.isEmpty())
                continue;
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : decode(param.substring(eq + 1));
            switch (key) {
                case "password" -> password = Optional.of(new Secret(value));
                case "user" -> user = Optional.of(value);
                default -> kept.add(param);
            }
        }

        String keptQuery = kept.isEmpty() ? "" : "?" + String.join("&", kept);
        String jdbcUrl = "jdbc:postgresql://" + hosts + path + keptQuery;
        String description = scheme + user.map(name -> name + "@").orElse("") + hosts + path + keptQuery;
        String endpoint = withDefaultPort(hosts.isEmpty() ? "localhost" : hosts) + (path.isEmpty() ? "/" : path);
        return new StateUrl(Dialect.POSTGRESQL, jdbcUrl, user, password, description, endpoint, Optional.empty());
    }

    /** Removes passwords from a URL we could not parse, so that even the error about it is safe to print. */
    static String redact(String url) {
        return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***").replaceAll("//([^/@:]*):[^/@]*@", "//$1:***@");
    }

    private static String withDefaultPort(String hosts) {
        List<String> out = new ArrayList<>();
        for (String host : hosts.split(",")) {
            boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
            out.add(hasPort ? host : host + ":5432");
        }
        return String.join(",", out);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++)
            if (chars.indexOf(s.charAt(i)) >= 0)
                return i;
        return -1;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
