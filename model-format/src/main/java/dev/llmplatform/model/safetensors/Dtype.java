package dev.llmplatform.model.safetensors;

import java.nio.ByteBuffer;

/**
 * The safetensors element types this project reads and writes as floats: {@code F32}, {@code F16}
 * (IEEE half) and {@code BF16} (the top 16 bits of a float32). Other dtypes of the format are known
 * by size only, so a header that uses them still validates.
 */
public enum Dtype {
    F32(4), F16(2), BF16(2);

    private final int bytes;

    Dtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The float dtype of this name, or null when the format knows it but it is not a float type we convert. */
    public static Dtype floatType(String name) {
        return switch (name) {
            case "F32" -> F32;
            case "F16" -> F16;
            case "BF16" -> BF16;
            default -> null;
        };
    }

    /** Bytes per element of any safetensors dtype. */
    static long bytesPerElement(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> throw new IllegalArgumentException("unknown safetensors dtype " + dtype);
        };
    }

    /** Element {@code index} of little-endian data in this dtype, as float32 (exact for all three). */
    public float get(ByteBuffer littleEndian, long index) {
        return switch (this) {
            case F32 -> littleEndian.getFloat(Math.toIntExact(index * 4));
            case F16 -> Float.float16ToFloat(littleEndian.getShort(Math.toIntExact(index * 2)));
            case BF16 -> Float.intBitsToFloat((littleEndian.getShort(Math.toIntExact(index * 2)) & 0xFFFF) << 16);
        };
    }

    /** Puts {@code value} in this dtype (rounded to nearest, ties to even) at the buffer's position. */
    public void put(ByteBuffer littleEndian, float value) {
        switch (this) {
            case F32 -> littleEndian.putFloat(value);
            case F16 -> littleEndian.putShort(Float.floatToFloat16(value));
            case BF16 -> littleEndian.putShort(toBf16(value));
        }
    }

    /** {@code value} as it reads back after a round trip through this dtype. */
    public float round(float value) {
        return switch (this) {
            case F32 -> value;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(value));
            case BF16 -> Float.intBitsToFloat((toBf16(value) & 0xFFFF) << 16);
        };
    }

    /** float32 to bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
    static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
