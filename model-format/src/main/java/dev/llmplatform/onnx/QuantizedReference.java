package dev.llmplatform.onnx;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;

import java.util.ArrayList;
import java.util.List;

/**
 * The float weights a quantized graph really computes with: every matrix {@link LlamaOnnxWriter}
 * quantizes, quantized and dequantized again in plain Java. Run through {@code LlamaReference}, they
 * are the oracle for the quantized ONNX graph (which must match them as closely as the float32
 * graph matches the float32 weights), and their distance from the originals is the quantization error.
 */
public final class QuantizedReference {

    private QuantizedReference() {
    }

    /**
     * @return the round-tripped weights; with a quantized LM head and tied embeddings the result is
     * untied (the graph gathers float32 embeddings but multiplies by a quantized copy), unless the embedding
     * is shared with the head ({@link WeightQuantization#sharedEmbedding()}): then tied to the dequantized table
     */
    public static LlamaWeights roundTrip(LlamaWeights w, WeightQuantization q) {
        if (!q.quantized()) {
            return w;
        }
        ModelConfig c = w.config();
        int h = c.hidden();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediate();
        List<LlamaWeights.Layer> layers = new ArrayList<>();
        for (LlamaWeights.Layer l : w.layers()) {
            layers.add(new LlamaWeights.Layer(l.inputNorm(),
                    roundTrip(l.wq(), h, h, q), roundTrip(l.wk(), h, kv, q), roundTrip(l.wv(), h, kv, q),
                    roundTrip(l.wo(), h, h, q), l.postAttentionNorm(),
                    roundTrip(l.wGate(), h, inter, q), roundTrip(l.wUp(), h, inter, q), roundTrip(l.wDown(), inter, h, q)));
        }
        if (!q.quantizeLmHead()) {
            return new LlamaWeights(c, w.embedding(), layers, w.finalNorm(), w.lmHead());
        }
        int headBits = q.lmHead().bits();
        float[] head = w.lmHead() != null
                ? BlockQuantizedMatrix.quantizeInOut(w.lmHead(), h, c.vocabSize(), headBits, q.blockSize(), q.symmetric())
                .dequantizeInOut()
                : BlockQuantizedMatrix.quantizeOutIn(w.embedding(), h, c.vocabSize(), headBits, q.blockSize(),
                q.symmetric()).dequantizeInOut();
        if (TokenEmbedding.shared(c, q)) {
            // The graph gathers its input rows from the quantized head too: still tied, to the dequantized table.
            float[] table = new float[head.length];
            for (int k = 0; k < h; k++) {
                for (int v = 0; v < c.vocabSize(); v++) {
                    table[v * h + k] = head[k * c.vocabSize() + v];
                }
            }
            return new LlamaWeights(c, table, layers, w.finalNorm(), null);
        }
        ModelConfig untied = c.withTiedHead(false);
        return new LlamaWeights(untied, w.embedding(), layers, w.finalNorm(), head);
    }

    private static float[] roundTrip(float[] weight, int in, int out, WeightQuantization q) {
        return BlockQuantizedMatrix.quantizeInOut(weight, in, out, q.format().bits(), q.blockSize(), q.symmetric())
                .dequantizeInOut();
    }
}
