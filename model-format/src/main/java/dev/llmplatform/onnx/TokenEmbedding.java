package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.llmplatform.model.ModelConfig;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.llmplatform.onnx.OnnxGraphBuilder.attr;
import static dev.llmplatform.onnx.OnnxGraphBuilder.attrInts;

/**
 * The token embedding at both ends of a decoder graph: the input Gather and the LM head (the embedding's transpose
 * when tied). By default the table is float32 and a quantized tied head is a second, quantized copy of it. With
 * {@link WeightQuantization#sharedEmbedding()} a tied model stores the table once, as the head's MatMulNBits bytes
 * ({@code [vocab, kBlocks, blob]}), and gathers rows from those very bytes with {@code com.microsoft::GatherBlockQuantized}
 * (quantize axis 2: each {@code [kBlocks, blob]} row is {@code kBlocks} blocks of {@code blockSize}; uint8 data
 * follows MatMulNBits' conventions, default zero point 2^(bits-1)), so the input embeddings are the head's
 * dequantized rows, as llama.cpp's quantized token embedding is.
 *
 * @param hidden the gathered embeddings [batch, seq, hidden]
 * @param table  the float32 table's name; null when shared
 * @param head   the quantized head the gather reads, and its initializers; null when not shared
 */
record TokenEmbedding(String hidden, String table, BlockQuantizedMatrix head, List<String> headInitializers) {

    static final String TABLE = "model.embed_tokens.weight";

    /** Whether a graph of these options shares its embedding with the head (see the class comment). */
    static boolean shared(ModelConfig c, WeightQuantization q) {
        return q.sharesEmbedding(c);
    }

    static TokenEmbedding gather(OnnxGraphBuilder g, LlamaGraphOps ops, ModelConfig c, DecoderTensors tensors,
                                 WeightQuantization q, String inputIds) {
        int h = c.hidden();
        if (!shared(c, q)) {
            String table = g.floatInitializer(TABLE, tensors.get(TABLE, c.vocabSize(), h), c.vocabSize(), h);
            return new TokenEmbedding(g.node("Gather", "model.embed_tokens/Gather", List.of(table, inputIds),
                    attr("axis", 0)), table, null, null);
        }
        BlockQuantizedMatrix head = quantizedHead(c, tensors, q);
        List<String> init = ops.nbitsInitializers("lm_head", head);
        String p = "model.embed_tokens";
        long[] blocks = {c.vocabSize(), head.kBlocks(), 1};
        List<String> inputs = new ArrayList<>(List.of(init.get(0), inputIds,
                g.node("Reshape", p + "/scales", List.of(init.get(1), g.int64s(p + ".scales_shape", blocks)))));
        if (head.zeroPoints() != null) {
            inputs.add(gatherZeroPoints(g, p, head, init.get(2), blocks));
        }
        String rows = g.node(LlamaGraphOps.MS_DOMAIN, "GatherBlockQuantized", List.of(p + "/GatherBlockQuantized"), inputs,
                attr("gather_axis", 0), attr("quantize_axis", 2), attr("block_size", head.blockSize()),
                attr("bits", head.bits())).getFirst();
        // [batch, seq, kBlocks, blockSize] -> [batch, seq, hidden] (0 keeps a dimension)
        String hidden = g.node("Reshape", p + "/Reshape", List.of(rows, g.int64s(p + ".hidden_shape", 0, 0, h)));
        return new TokenEmbedding(hidden, null, head, init);
    }

    /** logits = last · lm_head (the embedding's transpose when tied), block-quantized when the options say so. */
    void lmHead(OnnxGraphBuilder g, LlamaGraphOps ops, ModelConfig c, DecoderTensors tensors, WeightQuantization q,
                String last) {
        int h = c.hidden();
        if (head != null) {
            ops.matMulNBits("logits", last, headInitializers, head);
        } else if (q.quantized() && q.quantizeLmHead()) {
            // A tied model gets a quantized copy of the embedding (fetched again rather than kept, so a streaming
            // source holds one tensor at a time).
            ops.matMulNBits("logits", "lm_head", last, quantizedHead(c, tensors, q));
        } else {
            String w = c.tieWordEmbeddings()
                    ? g.node("Transpose", "lm_head.tied_weight", List.of(table), attrInts("perm", 1, 0))
                    : g.floatInitializer("lm_head.weight", tensors.get("lm_head.weight", h, c.vocabSize()), h, c.vocabSize());
            g.node("MatMul", "logits", List.of(last, w));
        }
    }

    /** The head as the source holds it quantized, else quantized here; the embedding [vocab, hidden] is MatMulNBits' [N, K]. */
    private static BlockQuantizedMatrix quantizedHead(ModelConfig c, DecoderTensors tensors, WeightQuantization q) {
        int h = c.hidden();
        int bits = q.lmHead().bits();
        BlockQuantizedMatrix head = tensors.quantized("lm_head", h, c.vocabSize());
        if (head != null) {
            return head;
        }
        return c.tieWordEmbeddings()
                ? BlockQuantizedMatrix.quantizeOutIn(tensors.get(TABLE, c.vocabSize(), h), h, c.vocabSize(), bits,
                q.blockSize(), q.symmetric())
                : BlockQuantizedMatrix.quantizeInOut(tensors.get("lm_head.weight", h, c.vocabSize()), h, c.vocabSize(),
                bits, q.blockSize(), q.symmetric());
    }

    /**
     * GatherBlockQuantized's zero points have the scales' shape, one per element of uint8 when 8-bit; 4-bit ones are
     * packed two blocks a byte in MatMulNBits' layout but one a byte (low nibble) here, so those are written again
     * (vocab · kBlocks bytes, 1/16 of the codes at block 32).
     */
    private static String gatherZeroPoints(OnnxGraphBuilder g, String p, BlockQuantizedMatrix head, String matMulZeroPoints,
                                           long[] blocks) {
        if (head.bits() == 8) {
            return g.node("Reshape", p + "/zero_points", List.of(matMulZeroPoints, g.int64s(p + ".zero_points_shape", blocks)));
        }
        int kBlocks = head.kBlocks();
        int per = BlockQuantizedMatrix.zeroPointBlobSize(kBlocks, head.bits());
        byte[] zp = new byte[head.n() * kBlocks];
        for (int n = 0; n < head.n(); n++) {
            for (int b = 0; b < kBlocks; b++) {
                zp[n * kBlocks + b] = (byte) BlockQuantizedMatrix.code(head.zeroPoints(), n * per, b, head.bits());
            }
        }
        return g.rawInitializer(p + ".weight_zero_points", DataType.UINT8, ByteBuffer.wrap(zp), zp.length, blocks);
    }
}
