package dev.llmplatform.onnx;

/**
 * How {@link LlamaOnnxWriter} stores the weights of the linear layers (q, k, v, o, gate, up, down
 * and optionally the LM head). Anything but {@link Format#FP32} writes ONNX Runtime's contrib op
 * {@code com.microsoft::MatMulNBits} with block-quantized weights (see {@link BlockQuantizedMatrix});
 * embeddings and norms stay float32.
 *
 * @param blockSize      weights per block along the input axis; a power of two, at least 16
 * @param symmetric      true: no zero points (ORT's default zero point 2^(bits-1)); false: a zero
 *                       point per block, so blocks whose values are not centred on 0 lose less
 * @param quantizeLmHead also quantize the LM head (for GPT-2-sized models it is a third of the bytes
 *                       read per token); with tied embeddings a quantized copy of the embedding is added
 * @param accuracyLevel  MatMulNBits' {@code accuracy_level}: 0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8
 *                       (activations quantized per block to int8 too, for int8 dot products). On CPU
 *                       (ONNX Runtime 1.28) 4 is the fast path: int8 weights at level 0 decoded 75x
 *                       slower in our benchmark (docs/benchmarks.md); 0 computes exactly with the
 *                       dequantized weights, which is what the packing tests compare against
 */
public record WeightQuantization(Format format, int blockSize, boolean symmetric, boolean quantizeLmHead,
                                 int accuracyLevel) {

    /** Storage of the linear weights. */
    public enum Format {
        FP32(32), INT8(8), INT4(4);

        private final int bits;

        Format(int bits) {
            this.bits = bits;
        }

        public int bits() {
            return bits;
        }
    }

    public static final int DEFAULT_BLOCK_SIZE = 32;
    public static final WeightQuantization NONE = new WeightQuantization(Format.FP32, DEFAULT_BLOCK_SIZE, true, false, 0);

    public WeightQuantization {
        if (format == null) {
            format = Format.FP32;
        }
        if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two >= 16, got " + blockSize);
        }
        if (accuracyLevel < 0 || accuracyLevel > 4) {
            throw new IllegalArgumentException("accuracy level must be 0..4, got " + accuracyLevel);
        }
    }

    /** ONNX Runtime's CPU fast path: activations quantized to int8 inside MatMulNBits. */
    public static final int ACCURACY_INT8 = 4;

    /** Block 32, symmetric, LM head included, accuracy level 4 (int8 activations). */
    public static WeightQuantization of(Format format) {
        return new WeightQuantization(format, DEFAULT_BLOCK_SIZE, true, true, ACCURACY_INT8);
    }

    public boolean quantized() {
        return format != Format.FP32;
    }

    public WeightQuantization withAccuracyLevel(int level) {
        return new WeightQuantization(format, blockSize, symmetric, quantizeLmHead, level);
    }

    public WeightQuantization withSymmetric(boolean value) {
        return new WeightQuantization(format, blockSize, value, quantizeLmHead, accuracyLevel);
    }

    public WeightQuantization withLmHead(boolean value) {
        return new WeightQuantization(format, blockSize, symmetric, value, accuracyLevel);
    }
}
