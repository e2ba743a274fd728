package dev.llmplatform.onnx;

/**
 * How {@link LlamaOnnxWriter} stores the weights of the linear layers (q, k, v, o, gate, up, down
 * and optionally the LM head). Anything but {@link Format#FP32} writes ONNX Runtime's contrib op
 * {@code com.microsoft::MatMulNBits} with block-quantized weights (see {@link BlockQuantizedMatrix});
 * norms, and the input embedding unless shared with a tied head, stay float32. The defaults ({@link #of})
 * were chosen by measurement (QuantBench, docs/benchmarks.md).
 *
 * @param blockSize      weights per block along the input axis; a power of two, at least 16
 * @param symmetric      true: no zero points (ORT's default zero point 2^(bits-1)); false: a zero
 *                       point per block, so blocks whose values are not centred on 0 lose less
 * @param lmHead         the LM head's storage: {@link Format#FP32} keeps it float32 (a tied model then
 *                       multiplies by its float32 embedding), INT8/INT4 quantize it with this block size and
 *                       symmetry (for GPT-2-sized models it is a third of the bytes read per token); with
 *                       tied embeddings the quantized head is a second copy of the embedding, beside the
 *                       float32 table the graph gathers from, unless {@code sharedEmbedding}. Null: the
 *                       body's format; ignored (FP32) when {@code format} is FP32
 * @param accuracyLevel  MatMulNBits' {@code accuracy_level}: 0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8
 *                       (activations quantized per block to int8 too, for int8 dot products). On CPU
 *                       (ONNX Runtime 1.28) 4 is the fast path: int8 weights at level 0 decoded 75x
 *                       slower in our benchmark (docs/benchmarks.md); 0 computes exactly with the
 *                       dequantized weights, which is what the packing tests compare against
 * @param sharedEmbedding a tied model with a quantized head gathers its input embeddings from the head's own
 *                       bytes ({@code com.microsoft::GatherBlockQuantized}) instead of a float32 copy of the
 *                       table: the embedding is stored once, in the head's bits (see {@link TokenEmbedding});
 *                       without effect on untied models, a float32 head, or a hidden size that is not a
 *                       multiple of the block size
 */
public record WeightQuantization(Format format, int blockSize, boolean symmetric, Format lmHead,
                                 int accuracyLevel, boolean sharedEmbedding) {

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

    /**
     * Block 128, chosen by QuantBench (docs/benchmarks.md, "Quantized weights, revisited"): as fast as or faster
     * than 32 and 64 in every paired run, and within the eval-loss bound on the trained starter.
     */
    public static final int DEFAULT_BLOCK_SIZE = 128;
    public static final WeightQuantization NONE = new WeightQuantization(Format.FP32, DEFAULT_BLOCK_SIZE, true, Format.FP32, 0,
            false);

    public WeightQuantization {
        if (format == null) {
            format = Format.FP32;
        }
        lmHead = format == Format.FP32 ? Format.FP32 : lmHead == null ? format : lmHead;
        if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two >= 16, got " + blockSize);
        }
        if (accuracyLevel < 0 || accuracyLevel > 4) {
            throw new IllegalArgumentException("accuracy level must be 0..4, got " + accuracyLevel);
        }
    }

    /** ONNX Runtime's CPU fast path: activations quantized to int8 inside MatMulNBits. */
    public static final int ACCURACY_INT8 = 4;

    /** The LM head in the body's format ({@code true}) or float32 ({@code false}); the embedding not shared. */
    public WeightQuantization(Format format, int blockSize, boolean symmetric, boolean quantizeLmHead, int accuracyLevel) {
        this(format, blockSize, symmetric, quantizeLmHead ? format : Format.FP32, accuracyLevel, false);
    }

    /**
     * The defaults, measured by QuantBench (docs/benchmarks.md): block 128, symmetric, the LM head in the same
     * format, accuracy level 4 (int8 activations), a tied embedding shared with the head (stored once).
     */
    public static WeightQuantization of(Format format) {
        return new WeightQuantization(format, DEFAULT_BLOCK_SIZE, true, format, ACCURACY_INT8, true);
    }

    public boolean quantized() {
        return format != Format.FP32;
    }

    /** Whether a graph of {@code c} with these options gathers its input embeddings from the quantized head. */
    public boolean sharesEmbedding(dev.llmplatform.model.ModelConfig c) {
        return sharedEmbedding && c.tieWordEmbeddings() && quantized() && quantizeLmHead() && c.hidden() % blockSize == 0;
    }

    /** Whether the LM head is a MatMulNBits too (in {@link #lmHead()}'s bits). */
    public boolean quantizeLmHead() {
        return lmHead != Format.FP32;
    }

    public WeightQuantization withAccuracyLevel(int level) {
        return new WeightQuantization(format, blockSize, symmetric, lmHead, level, sharedEmbedding);
    }

    public WeightQuantization withSymmetric(boolean value) {
        return new WeightQuantization(format, blockSize, value, lmHead, accuracyLevel, sharedEmbedding);
    }

    /** The LM head in the body's format, or float32. */
    public WeightQuantization withLmHead(boolean value) {
        return withLmHead(value ? format : Format.FP32);
    }

    public WeightQuantization withLmHead(Format value) {
        return new WeightQuantization(format, blockSize, symmetric, value, accuracyLevel, sharedEmbedding);
    }

    public WeightQuantization withBlockSize(int value) {
        return new WeightQuantization(format, value, symmetric, lmHead, accuracyLevel, sharedEmbedding);
    }

    public WeightQuantization withSharedEmbedding(boolean value) {
        return new WeightQuantization(format, blockSize, symmetric, lmHead, accuracyLevel, value);
    }

    /** e.g. {@code int4-b32-sym-head-int8}: the options in a file name or a table row. */
    public String label() {
        if (!quantized()) {
            return "fp32";
        }
        return format.name().toLowerCase(java.util.Locale.ROOT) + "-b" + blockSize + (symmetric ? "-sym" : "-zp")
                + "-head-" + lmHead.name().toLowerCase(java.util.Locale.ROOT) + (sharedEmbedding ? "-shared" : "");
    }
}
