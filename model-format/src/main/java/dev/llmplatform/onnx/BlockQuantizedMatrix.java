package dev.llmplatform.onnx;

import java.util.Objects;

/**
 * A weight matrix quantized block-wise along its input axis in the layout of ONNX Runtime's
 * {@code com.microsoft::MatMulNBits} (contrib op spec, ORT 1.2x):
 * <ul>
 *   <li>{@code packed}: uint8 {@code [N, kBlocks, blobSize]}, {@code blobSize = blockSize·bits/8}; the
 *       codes of one output column n, one block of K at a time, packed low bits first (4 bits: element
 *       2j in the low nibble of byte j, element 2j+1 in the high nibble);</li>
 *   <li>{@code scales}: float {@code [N·kBlocks]};</li>
 *   <li>{@code zeroPoints}: uint8 {@code [N·ceil(kBlocks·bits/8)]}, packed the same way, or null for
 *       the op's default zero point {@code 2^(bits-1)} (symmetric).</li>
 * </ul>
 * A weight is {@code (code - zeroPoint) · scale}. Padding past K in the last block holds the zero
 * point, i.e. dequantizes to 0.
 */
public record BlockQuantizedMatrix(int k, int n, int bits, int blockSize, byte[] packed, float[] scales,
                                   byte[] zeroPoints) {

    /** Reads element (row = input index k, column = output index n) of the float matrix being quantized. */
    @FunctionalInterface
    public interface Source {
        float get(int k, int n);
    }

    public BlockQuantizedMatrix {
        if (bits != 4 && bits != 8) {
            throw new IllegalArgumentException("bits must be 4 or 8, got " + bits);
        }
        Objects.requireNonNull(packed, "packed");
        Objects.requireNonNull(scales, "scales");
        int kBlocks = (k + blockSize - 1) / blockSize;
        if (packed.length != (long) n * kBlocks * blockSize * bits / 8 || scales.length != (long) n * kBlocks
                || (zeroPoints != null && zeroPoints.length != (long) n * zeroPointBlobSize(kBlocks, bits))) {
            throw new IllegalArgumentException("array sizes do not match K=" + k + " N=" + n + " bits=" + bits);
        }
    }

    /** Quantizes a row-major {@code [in = K, out = N]} matrix, the layout of {@code LlamaWeights}. */
    public static BlockQuantizedMatrix quantizeInOut(float[] w, int k, int n, int bits, int blockSize, boolean symmetric) {
        return quantize((row, col) -> w[row * n + col], k, n, bits, blockSize, symmetric);
    }

    /** Quantizes a row-major {@code [out = N, in = K]} matrix, e.g. a tied embedding used as the LM head. */
    public static BlockQuantizedMatrix quantizeOutIn(float[] w, int k, int n, int bits, int blockSize, boolean symmetric) {
        return quantize((row, col) -> w[col * k + row], k, n, bits, blockSize, symmetric);
    }

    public static BlockQuantizedMatrix quantize(Source w, int k, int n, int bits, int blockSize, boolean symmetric) {
        int kBlocks = (k + blockSize - 1) / blockSize;
        int blobSize = blockSize * bits / 8;
        int levels = (1 << bits) - 1;
        byte[] packed = new byte[Math.multiplyExact(n, kBlocks * blobSize)];
        float[] scales = new float[n * kBlocks];
        byte[] zeroPoints = symmetric ? null : new byte[n * zeroPointBlobSize(kBlocks, bits)];
        for (int col = 0; col < n; col++) {
            for (int b = 0; b < kBlocks; b++) {
                int start = b * blockSize;
                int end = Math.min(k, start + blockSize);
                float lo = 0;
                float hi = 0;
                for (int row = start; row < end; row++) {
                    float v = w.get(row, col);
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                int zeroPoint;
                float scale;
                if (symmetric) {
                    // Codes zp-qmax..zp+qmax: one level (code 0) unused, so +max and -max both fit.
                    zeroPoint = 1 << (bits - 1);
                    scale = Math.max(-lo, hi) / (zeroPoint - 1);
                } else {
                    // The range always holds 0, so 0 is exact (padding and pruned weights stay 0).
                    scale = (hi - lo) / levels;
                    zeroPoint = scale == 0 ? 0 : Math.clamp(Math.round(-lo / scale), 0, levels);
                    setCode(zeroPoints, col * zeroPointBlobSize(kBlocks, bits), b, bits, zeroPoint);
                }
                scales[col * kBlocks + b] = scale;
                int blob = (col * kBlocks + b) * blobSize;
                for (int i = 0; i < blockSize; i++) {
                    int row = start + i;
                    int code = row >= end || scale == 0 ? zeroPoint
                            : Math.clamp(Math.round(w.get(row, col) / scale) + zeroPoint, 0, levels);
                    setCode(packed, blob, i, bits, code);
                }
            }
        }
        return new BlockQuantizedMatrix(k, n, bits, blockSize, packed, scales, zeroPoints);
    }

    public int kBlocks() {
        return (k + blockSize - 1) / blockSize;
    }

    public int blobSize() {
        return blockSize * bits / 8;
    }

    /** Bytes of packed codes, scales and zero points: what a matmul reads per use. */
    public long storageBytes() {
        return packed.length + 4L * scales.length + (zeroPoints == null ? 0 : zeroPoints.length);
    }

    /** The plain-Java reference: the float matrix MatMulNBits computes with, row-major {@code [K, N]}. */
    public float[] dequantizeInOut() {
        float[] w = new float[Math.multiplyExact(k, n)];
        int kBlocks = kBlocks();
        for (int col = 0; col < n; col++) {
            for (int row = 0; row < k; row++) {
                int b = row / blockSize;
                int zeroPoint = zeroPoints == null ? 1 << (bits - 1)
                        : code(zeroPoints, col * zeroPointBlobSize(kBlocks, bits), b, bits);
                int code = code(packed, (col * kBlocks + b) * blobSize(), row % blockSize, bits);
                w[row * n + col] = (code - zeroPoint) * scales[col * kBlocks + b];
            }
        }
        return w;
    }

    /** The matrices side by side along N (same K, bits and block size): every array of this layout is N-major. */
    static BlockQuantizedMatrix concatColumns(java.util.List<BlockQuantizedMatrix> parts) {
        BlockQuantizedMatrix first = parts.getFirst();
        int n = 0;
        java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream zeros = first.zeroPoints() == null ? null : new java.io.ByteArrayOutputStream();
        float[] scales = new float[parts.stream().mapToInt(m -> m.scales().length).sum()];
        int at = 0;
        for (BlockQuantizedMatrix m : parts) {
            if (m.k() != first.k() || m.bits() != first.bits() || m.blockSize() != first.blockSize()
                    || (m.zeroPoints() == null) != (zeros == null)) {
                throw new IllegalArgumentException("matrices of different K, bits, block size or zero points");
            }
            n += m.n();
            packed.writeBytes(m.packed());
            if (zeros != null) {
                zeros.writeBytes(m.zeroPoints());
            }
            System.arraycopy(m.scales(), 0, scales, at, m.scales().length);
            at += m.scales().length;
        }
        return new BlockQuantizedMatrix(first.k(), n, first.bits(), first.blockSize(), packed.toByteArray(), scales,
                zeros == null ? null : zeros.toByteArray());
    }

    static int zeroPointBlobSize(int kBlocks, int bits) {
        return (kBlocks * bits + 7) / 8;
    }

    /** Element i of a bit-packed run starting at byte {@code base}, low bits first. */
    static int code(byte[] data, int base, int i, int bits) {
        if (bits == 8) {
            return data[base + i] & 0xFF;
        }
        int shift = (i & 1) * 4;
        return (data[base + i / 2] >> shift) & 0x0F;
    }

    private static void setCode(byte[] data, int base, int i, int bits, int code) {
        if (bits == 8) {
            data[base + i] = (byte) code;
            return;
        }
        int index = base + i / 2;
        int shift = (i & 1) * 4;
        data[index] = (byte) ((data[index] & ~(0x0F << shift)) | (code << shift));
    }
}
