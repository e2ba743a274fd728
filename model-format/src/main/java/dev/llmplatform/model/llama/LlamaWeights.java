package dev.llmplatform.model.llama;

import dev.llmplatform.model.ModelConfig;

import java.util.List;
import java.util.Objects;

/**
 * The weights of a Llama-style decoder as plain float arrays, the exchange format between the
 * training engine, the ONNX writer and the plain-Java reference forward pass.
 *
 * <p>Every matrix is row-major {@code [in, out]}, so a layer computes {@code y = x · W}
 * (the transpose of PyTorch's {@code nn.Linear.weight}). Rotary embeddings use the Hugging Face
 * "rotate half" convention: dimension {@code i} pairs with {@code i + headDim/2}.
 *
 * @param embedding [vocab, hidden]
 * @param finalNorm [hidden]
 * @param lmHead    [hidden, vocab], or null when tied to the embedding
 */
public record LlamaWeights(ModelConfig config, float[] embedding, List<Layer> layers, float[] finalNorm, float[] lmHead) {

    public LlamaWeights {
        Objects.requireNonNull(config, "config");
        int h = config.hidden();
        int kv = config.kvHeads() * config.headDim();
        int inter = config.intermediate();
        check(embedding, (long) config.vocabSize() * h, "embedding");
        check(finalNorm, h, "finalNorm");
        if (layers.size() != config.layers()) {
            throw new IllegalArgumentException("expected " + config.layers() + " layers, got " + layers.size());
        }
        for (Layer l : layers) {
            check(l.inputNorm, h, "inputNorm");
            check(l.wq, (long) h * h, "wq");
            check(l.wk, (long) h * kv, "wk");
            check(l.wv, (long) h * kv, "wv");
            check(l.wo, (long) h * h, "wo");
            check(l.postAttentionNorm, h, "postAttentionNorm");
            check(l.wGate, (long) h * inter, "wGate");
            check(l.wUp, (long) h * inter, "wUp");
            check(l.wDown, (long) inter * h, "wDown");
        }
        if (config.tieWordEmbeddings() != (lmHead == null)) {
            throw new IllegalArgumentException("lmHead must be null exactly when tie_word_embeddings is set");
        }
        if (lmHead != null) {
            check(lmHead, (long) h * config.vocabSize(), "lmHead");
        }
        layers = List.copyOf(layers);
    }

    /**
     * One transformer block.
     *
     * @param wq [hidden, heads*headDim]      @param wk [hidden, kvHeads*headDim]
     * @param wv [hidden, kvHeads*headDim]    @param wo [heads*headDim, hidden]
     * @param wGate [hidden, intermediate]    @param wUp [hidden, intermediate]
     * @param wDown [intermediate, hidden]
     */
    public record Layer(float[] inputNorm, float[] wq, float[] wk, float[] wv, float[] wo,
                        float[] postAttentionNorm, float[] wGate, float[] wUp, float[] wDown) {
    }

    private static void check(float[] a, long expected, String name) {
        Objects.requireNonNull(a, name);
        if (a.length != expected) {
            throw new IllegalArgumentException(name + ": expected " + expected + " floats, got " + a.length);
        }
    }
}
