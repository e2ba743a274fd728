package dev.llmplatform.tokenizer.bpe;

import java.util.Arrays;

/**
 * GPT-2's reversible map from the 256 byte values to printable Unicode characters, so that
 * every byte-level token is a readable string in {@code tokenizer.json} ("Ġ" is the space byte).
 * Printable Latin-1 bytes map to themselves; the other 68 bytes map to U+0100 upwards in order.
 */
public final class ByteLevelAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + next++);
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The character standing for byte {@code b} (0..255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The 256 byte values ordered by their characters' code points, as Hugging Face's trainer orders its alphabet. */
    public static int[] bytesInAlphabetOrder() {
        Integer[] bytes = new Integer[256];
        for (int b = 0; b < 256; b++) {
            bytes[b] = b;
        }
        Arrays.sort(bytes, (x, y) -> Character.compare(BYTE_TO_CHAR[x], BYTE_TO_CHAR[y]));
        return Arrays.stream(bytes).mapToInt(Integer::intValue).toArray();
    }

    /** The mapped form of some bytes, e.g. {@code " the"} becomes {@code "Ġthe"}. */
    public static String encode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(charOf(b));
        }
        return sb.toString();
    }
}
