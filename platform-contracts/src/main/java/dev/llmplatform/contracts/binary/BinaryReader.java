package dev.llmplatform.contracts.binary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what {@link BinaryWriter} wrote, checking every length against the bytes left, so a truncated
 * or corrupt record fails with {@link IllegalArgumentException} instead of allocating wildly.
 */
final class BinaryReader {

    private final byte[] bytes;
    private int position;

    BinaryReader(byte[] bytes) {
        this.bytes = bytes;
    }

    int readByte() {
        if (position >= bytes.length) {
            throw new IllegalArgumentException("record ends early at byte " + position);
        }
        return bytes[position++] & 0xFF;
    }

    int readVarInt() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = readByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed varint before byte " + position);
    }

    /** A count of items each at least {@code minBytes} long, checked against what is left. */
    int readCount(int minBytes) {
        int n = readVarInt();
        if (n < 0 || (long) n * Math.max(1, minBytes) > bytes.length - position) {
            throw new IllegalArgumentException("count " + n + " does not fit in the record at byte " + position);
        }
        return n;
    }

    double readDouble() {
        if (bytes.length - position < 8) {
            throw new IllegalArgumentException("record ends early at byte " + position);
        }
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits |= (long) (bytes[position++] & 0xFF) << (8 * i);
        }
        return Double.longBitsToDouble(bits);
    }

    boolean readBoolean() {
        int b = readByte();
        if (b > 1) {
            throw new IllegalArgumentException("not a boolean: " + b);
        }
        return b == 1;
    }

    String readString() {
        return utf8(readCount(1));
    }

    String readNullableString() {
        int n = readVarInt();   // length + 1: utf8 checks the length against what is left
        return n == 0 ? null : utf8(n - 1);
    }

    private String utf8(int n) {
        if (n < 0 || n > bytes.length - position) {
            throw new IllegalArgumentException("string of " + n + " bytes does not fit at byte " + position);
        }
        String s = new String(bytes, position, n, StandardCharsets.UTF_8);
        position += n;
        return s;
    }

    List<Integer> readInts() {
        int n = readCount(1);
        List<Integer> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(readVarInt());
        }
        return values;
    }

    List<String> readStrings() {
        int n = readCount(1);
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(readString());
        }
        return values;
    }

    boolean atEnd() {
        return position == bytes.length;
    }
}
