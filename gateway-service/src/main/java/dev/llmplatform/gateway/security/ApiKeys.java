package dev.llmplatform.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The accepted API keys, known only by their SHA-256 hashes. A presented key is hashed and compared
 * with every configured hash in constant time, so neither the configuration nor the timing of an
 * answer gives a key away.
 */
public final class ApiKeys {

    private final List<byte[]> hashes;

    /** @param hexHashes lowercase or uppercase hex SHA-256 hashes, as in {@code llm.gateway.security.api-key-hashes} */
    public ApiKeys(List<String> hexHashes) {
        this.hashes = hexHashes.stream().map(HexFormat.of()::parseHex).toList();
    }

    /** The hex hash of the key when it is one of ours, else null. */
    public String match(String presentedKey) {
        byte[] presented = sha256(presentedKey);
        boolean found = false;
        for (byte[] hash : hashes) {
            found |= MessageDigest.isEqual(hash, presented);   // no early exit: every key costs the same
        }
        return found ? HexFormat.of().formatHex(presented) : null;
    }

    /** Lowercase hex SHA-256 of a key's UTF-8 bytes: what {@code printf %s "$KEY" | sha256sum} prints. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** A key as it may appear in a message: its first 3 and last 4 characters, or nothing of a short one. */
    public static String mask(String key) {
        if (key.length() < 12) {
            return "****";
        }
        return key.substring(0, 3) + "*".repeat(Math.min(key.length() - 7, 20)) + key.substring(key.length() - 4);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
