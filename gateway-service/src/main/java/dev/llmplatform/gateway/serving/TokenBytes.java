package dev.llmplatform.gateway.serving;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A token's UTF-8 bytes as OpenAI's logprobs carry them (chat and responses). */
public final class TokenBytes {

    private static final char REPLACEMENT = '\uFFFD';

    private TokenBytes() {
    }

    /**
     * The token's UTF-8 bytes. Only its text reaches the gateway, and a token holding part of a
     * character reads as U+FFFD, whose bytes would be wrong: such a token gets null (allowed by OpenAI).
     */
    public static List<Integer> of(String token) {
        if (token.indexOf(REPLACEMENT) >= 0) {
            return null;
        }
        byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
        List<Integer> bytes = new ArrayList<>(utf8.length);
        for (byte b : utf8) {
            bytes.add(b & 0xff);
        }
        return bytes;
    }
}
