package dev.sluice.testkit.demo;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the demo API checks credentials; one mode for the whole server. The credentials are constants of {@link DemoApi}. */
public enum AuthMode {
    NONE, BEARER, API_KEY_HEADER, API_KEY_QUERY, BASIC, COOKIE, OAUTH2;

    /** The name a command line uses: {@code api_key_header}; dashes are accepted too. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AuthMode parse(String label) {
        requireNonNull(label, "label is null");
        String normal = label.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        for (AuthMode mode : values())
            if (mode.label().equals(normal))
                return mode;
        throw new IllegalArgumentException("unknown auth mode '" + label + "'; use one of "
                + Arrays.stream(values()).map(AuthMode::label).collect(Collectors.joining(", ")));
    }
}
