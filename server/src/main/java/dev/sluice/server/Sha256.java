package dev.sluice.server;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests, for file fingerprints and token comparison. */
final class Sha256 {
    private Sha256() {
    }

    static byte[] of(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static String hex(byte[] content) {
        return HexFormat.of().formatHex(of(content));
    }
}
