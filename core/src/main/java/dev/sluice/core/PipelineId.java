package dev.sluice.core;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** The name of a pipeline: the key of its books in the state store. */
public record PipelineId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public PipelineId {
        requireNonNull(value, "value is null");
        if (!VALID.matcher(value).matches())
            throw new IllegalArgumentException("pipeline name '" + value
                    + "' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
