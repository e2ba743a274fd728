package dev.llmplatform.contracts.binary;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** A growing byte array with the few primitives the step records are laid out with. Not thread-safe. */
final class BinaryWriter {

    private byte[] bytes;
    private int size;

    BinaryWriter(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    void writeByte(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    /** An int as an unsigned LEB128 varint: 1 byte below 128, 2 below 16,384, 5 at most (negatives too). */
    void writeVarInt(int value) {
        ensure(5);
        int v = value;
        while ((v & ~0x7F) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
    }

    void writeDouble(double value) {
        ensure(8);
        long bits = Double.doubleToRawLongBits(value);
        for (int i = 0; i < 8; i++) {
            bytes[size++] = (byte) (bits >>> (8 * i));
        }
    }

    void writeBoolean(boolean value) {
        writeByte(value ? 1 : 0);
    }

    /** Length + 1 then UTF-8, so that 0 means null. */
    void writeNullableString(String value) {
        if (value == null) {
            writeVarInt(0);
            return;
        }
        writeUtf8(value, 1);
    }

    void writeString(String value) {
        writeUtf8(value, 0);
    }

    private void writeUtf8(String value, int lengthBias) {
        // getBytes is an intrinsic copy for an ASCII-only (Latin-1 compact) string, the common case.
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeVarInt(utf8.length + lengthBias);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, bytes, size, utf8.length);
        size += utf8.length;
    }

    void writeInts(List<Integer> values) {
        writeVarInt(values.size());
        for (Integer v : values) {
            writeVarInt(v);
        }
    }

    void writeStrings(List<String> values) {
        writeVarInt(values.size());
        for (String v : values) {
            writeString(v);
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }
}
