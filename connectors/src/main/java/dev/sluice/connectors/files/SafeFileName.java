package dev.sluice.connectors.files;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Turns any text from the data into one file name component, injectively: two different values never
 * get the same name, so two partitions can never overwrite each other.
 *
 * <ul>
 *   <li>Letters {@code A-Z a-z}, digits, {@code _} and {@code -} stay as they are; so does {@code .},
 *       except as the first or last character (no hidden files, no {@code .} or {@code ..}, no name
 *       that Windows would silently strip a trailing dot from).
 *   <li>Every other character is percent-encoded as its UTF-8 bytes ({@code %2F} for {@code /},
 *       {@code %25} for {@code %}); a lone UTF-16 surrogate, which has no UTF-8 form, as
 *       {@code %uD800}. So no separator, no control character and no {@code ..} can get through.
 *   <li>The empty string is {@code %} alone; a missing value is {@link #MISSING}, {@code %null}. Both
 *       are distinct from every encoded string, since there {@code %} is always followed by two
 *       hexadecimal digits or by {@code u}.
 *   <li>A name longer than {@value #MAX_LENGTH} characters is cut to its first
 *       {@value #KEPT_PREFIX} characters followed by {@code %~} and the SHA-256 of the whole encoded
 *       name; {@code %~} appears in no other encoding, so a cut name can only equal another cut name
 *       of the same value (barring a SHA-256 collision).
 * </ul>
 *
 * <p>The names are ASCII. On a case-insensitive file system {@code a} and {@code A} still name the same
 * file: {@link FileSink} refuses a window where that would happen.
 */
final class SafeFileName {
    static final int MAX_LENGTH = 200;
    static final int KEPT_PREFIX = 128;
    /** The name of a missing or null value. */
    static final String MISSING = "%null";
    static final String EMPTY = "%";
    private static final String CUT = "%~";
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private SafeFileName() {
    }

    /** The file name component for {@code value}; empty means the value is missing. */
    static String encode(Optional<String> value) {
        return value.map(SafeFileName::encode).orElse(MISSING);
    }

    static String encode(String value) {
        requireNonNull(value, "value is null");
        if (value.isEmpty())
            return EMPTY;
        var out = new StringBuilder(value.length() + 8);
        int last = value.length() - 1;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int width = Character.charCount(cp);
            boolean edge = i == 0 || i + width - 1 == last;
            if (plain(cp) || (cp == '.' && !edge))
                out.append((char) cp);
            else if (Character.isSurrogate((char) cp) && width == 1)
                out.append("%u").append(HEX.toHexDigits((char) cp));
            else
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8))
                    out.append('%').append(HEX.toHexDigits(b));
            i += width;
        }
        return out.length() <= MAX_LENGTH ? out.toString() : cut(out.toString());
    }

    /**
     * The value a name was made from; empty for {@link #MISSING} or for a name that was cut to fit
     * (the hash can't be reversed).
     */
    static Optional<String> decode(String name) {
        if (name.equals(MISSING) || name.contains(CUT))
            return Optional.empty();
        if (name.equals(EMPTY))
            return Optional.of("");
        var text = new StringBuilder();
        var bytes = new ByteArrayOutputStream();
        for (int i = 0; i < name.length(); ) {
            char c = name.charAt(i);
            if (c == '%' && name.charAt(i + 1) == 'u') {
                flush(bytes, text);
                text.append((char) Integer.parseInt(name.substring(i + 2, i + 6), 16));
                i += 6;
            } else if (c == '%') {
                bytes.write(Integer.parseInt(name.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                flush(bytes, text);
                text.append(c);
                i++;
            }
        }
        flush(bytes, text);
        return Optional.of(text.toString());
    }

    private static boolean plain(int cp) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_' || cp == '-';
    }

    private static String cut(String encoded) {
        int end = KEPT_PREFIX;
        // Don't leave half an escape at the end of the kept part.
        int percent = encoded.lastIndexOf('%', end - 1);
        if (percent >= 0 && percent > end - 6)
            end = percent;
        return encoded.substring(0, end) + CUT + sha256(encoded);
    }

    private static String sha256(String s) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder text) {
        if (bytes.size() == 0)
            return;
        text.append(bytes.toString(StandardCharsets.UTF_8));
        bytes.reset();
    }
}
