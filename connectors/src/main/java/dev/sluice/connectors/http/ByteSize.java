package dev.sluice.connectors.http;

import java.util.Locale;
import java.util.regex.Pattern;

/** A number of bytes, written 64MB, 512KB, 1GB or as plain bytes; units are powers of 1024. */
record ByteSize(long bytes) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d[\\d_]*)\\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?");

    ByteSize {
        if (bytes < 1)
            throw new IllegalArgumentException("a size must be at least 1 byte, was " + bytes);
    }

    static ByteSize parse(String text) {
        var m = SYNTAX.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches())
            throw new IllegalArgumentException("'" + text + "' is not a size; write 64MB, 512KB, 1GB or a number of bytes");
        long shift = switch (m.group(2) == null ? "b" : m.group(2)) {
            case "kb", "kib", "k" -> 10;
            case "mb", "mib", "m" -> 20;
            case "gb", "gib", "g" -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1).replace("_", ""));
            if (n < 1 || n > (Long.MAX_VALUE >> shift))
                throw new IllegalArgumentException("'" + text + "' is out of range; write a size from 1 byte to 1000GB, e.g. 64MB");
            return new ByteSize(n << shift);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is out of range; write a size from 1 byte to 1000GB, e.g. 64MB");
        }
    }

    @Override
    public String toString() {
        for (var unit : new String[] {"GB", "MB", "KB"}) {
            int shift = unit.equals("GB") ? 30 : unit.equals("MB") ? 20 : 10;
            if (bytes % (1L << shift) == 0)
                return (bytes >> shift) + unit;
        }
        return bytes + " bytes";
    }
}
