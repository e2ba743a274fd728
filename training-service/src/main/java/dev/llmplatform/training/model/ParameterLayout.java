package dev.llmplatform.training.model;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Names and shapes of a decoder's parameters, in one fixed order. The names follow
 * {@link LlamaWeights}' fields ({@code embedding}, {@code layers.3.wq}, …) and every matrix keeps
 * its row-major {@code [in, out]} layout, so the engine, checkpoints and the exchange format agree.
 */
public final class ParameterLayout {

    public static final String EMBEDDING = "embedding";
    public static final String FINAL_NORM = "finalNorm";
    public static final String LM_HEAD = "lmHead";

    private ParameterLayout() {
    }

    /** Every parameter's shape, in the order they are created, saved and updated. */
    public static Map<String, long[]> shapes(ModelConfig c) {
        long h = c.hidden();
        long kv = (long) c.kvHeads() * c.headDim();
        long inter = c.intermediate();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(EMBEDDING, new long[] {c.vocabSize(), h});
        for (int l = 0; l < c.layers(); l++) {
            shapes.put(layer(l, "inputNorm"), new long[] {h});
            shapes.put(layer(l, "wq"), new long[] {h, h});
            shapes.put(layer(l, "wk"), new long[] {h, kv});
            shapes.put(layer(l, "wv"), new long[] {h, kv});
            shapes.put(layer(l, "wo"), new long[] {h, h});
            shapes.put(layer(l, "postAttentionNorm"), new long[] {h});
            shapes.put(layer(l, "wGate"), new long[] {h, inter});
            shapes.put(layer(l, "wUp"), new long[] {h, inter});
            shapes.put(layer(l, "wDown"), new long[] {inter, h});
        }
        shapes.put(FINAL_NORM, new long[] {h});
        if (!c.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new long[] {h, c.vocabSize()});
        }
        return shapes;
    }

    public static String layer(int index, String tensor) {
        return "layers." + index + "." + tensor;
    }

    /** The weights as name → values, in {@link #shapes} order. The arrays are shared, not copied. */
    public static Map<String, float[]> flatten(LlamaWeights w) {
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put(EMBEDDING, w.embedding());
        for (int l = 0; l < w.layers().size(); l++) {
            LlamaWeights.Layer layer = w.layers().get(l);
            values.put(layer(l, "inputNorm"), layer.inputNorm());
            values.put(layer(l, "wq"), layer.wq());
            values.put(layer(l, "wk"), layer.wk());
            values.put(layer(l, "wv"), layer.wv());
            values.put(layer(l, "wo"), layer.wo());
            values.put(layer(l, "postAttentionNorm"), layer.postAttentionNorm());
            values.put(layer(l, "wGate"), layer.wGate());
            values.put(layer(l, "wUp"), layer.wUp());
            values.put(layer(l, "wDown"), layer.wDown());
        }
        values.put(FINAL_NORM, w.finalNorm());
        if (w.lmHead() != null) {
            values.put(LM_HEAD, w.lmHead());
        }
        return values;
    }

    /** The inverse of {@link #flatten}; {@link LlamaWeights} checks every size. */
    public static LlamaWeights assemble(ModelConfig c, Map<String, float[]> values) {
        List<LlamaWeights.Layer> layers = new ArrayList<>(c.layers());
        for (int l = 0; l < c.layers(); l++) {
            layers.add(new LlamaWeights.Layer(
                    required(values, layer(l, "inputNorm")),
                    required(values, layer(l, "wq")),
                    required(values, layer(l, "wk")),
                    required(values, layer(l, "wv")),
                    required(values, layer(l, "wo")),
                    required(values, layer(l, "postAttentionNorm")),
                    required(values, layer(l, "wGate")),
                    required(values, layer(l, "wUp")),
                    required(values, layer(l, "wDown"))));
        }
        float[] lmHead = c.tieWordEmbeddings() ? null : required(values, LM_HEAD);
        return new LlamaWeights(c, required(values, EMBEDDING), layers, required(values, FINAL_NORM), lmHead);
    }

    /** Matrices get weight decay; norm weights (vectors) do not. */
    public static boolean isMatrix(long[] shape) {
        return shape.length == 2;
    }

    private static float[] required(Map<String, float[]> values, String name) {
        return Objects.requireNonNull(values.get(name), () -> "missing parameter " + name);
    }
}
