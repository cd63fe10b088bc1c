package dev.sluice.server;

import dev.sluice.core.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The API's bearer tokens. A presented token is compared with every accepted one through their SHA-256
 * digests with {@link MessageDigest#isEqual}, so the time taken says nothing about how much of it was
 * right, nor about its length.
 */
final class Tokens {
    static final String ENVIRONMENT = "SLUICE_API_TOKENS";
    private static final int MIN_LENGTH = 16;

    private final List<byte[]> digests;

    Tokens(List<Secret> accepted) {
        digests = accepted.stream().map(s -> Sha256.of(s.value().getBytes(StandardCharsets.UTF_8))).toList();
    }

    boolean any() {
        return !digests.isEmpty();
    }

    /** Whether {@code presented} is one of the accepted tokens; every accepted token is compared. */
    boolean accepts(String presented) {
        byte[] d = Sha256.of(presented.getBytes(StandardCharsets.UTF_8));
        boolean match = false;
        for (byte[] accepted : digests)
            match |= MessageDigest.isEqual(accepted, d);
        return match;
    }

    /** The token of an {@code Authorization: Bearer ...} header, if it has one. */
    static Optional<String> bearer(String header) {
        if (header == null)
            return Optional.empty();
        String h = header.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7))
            return Optional.empty();
        String token = h.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** Tokens from {@code SLUICE_API_TOKENS}: separated by commas or white space. */
    static List<Secret> fromEnvironment(String value, Consumer<String> problems) {
        if (value == null || value.isBlank())
            return List.of();
        var out = new ArrayList<Secret>();
        for (String t : value.split("[,\\s]+"))
            if (!t.isEmpty())
                out.add(checked(t, ENVIRONMENT, problems));
        return out;
    }

    /** Tokens from a file: one per line; blank lines and lines starting with # are ignored. */
    static List<Secret> readFile(Path file, Consumer<String> problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.accept("cannot read the token file " + file + " (" + e.getClass().getSimpleName() + "); check the path and its permissions");
            return List.of();
        }
        var out = new ArrayList<Secret>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (!t.isEmpty() && !t.startsWith("#"))
                out.add(checked(t, file.getFileName() + " line " + (i + 1), problems));
        }
        if (out.isEmpty())
            problems.accept("the token file " + file + " holds no token; write one token per line");
        return out;
    }

    private static Secret checked(String token, String where, Consumer<String> problems) {
        if (token.length() < MIN_LENGTH)
            problems.accept("the token in " + where + " is shorter than " + MIN_LENGTH + " characters; use a long random one, e.g. from `openssl rand -hex 32`");
        return new Secret(token);
    }
}
