package dev.llmplatform.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.llmplatform.training.model.ParameterLayout.EMBEDDING;
import static dev.llmplatform.training.model.ParameterLayout.FINAL_NORM;
import static dev.llmplatform.training.model.ParameterLayout.LM_HEAD;
import static dev.llmplatform.training.model.ParameterLayout.layer;

/**
 * A Llama-style decoder as plain DJL NDArray operations over parameters it owns, computing exactly
 * what {@code LlamaReference} computes: RMSNorm, rotary positions (Hugging Face rotate-half),
 * causal grouped-query attention, SwiGLU, final RMSNorm, tied or separate LM head.
 *
 * <p>Memory rule (DJL results belong to the first operand's manager): every forward pass runs
 * inside {@link #newStep()}, a sub-manager the parameters are temporarily attached to, so all
 * intermediates die with it. Constants are arrays created in that manager, never Java numbers
 * passed to {@code mul(Number)} and friends, whose temporary scalars autograd would read after
 * the garbage collector freed them.
 */
public final class LlamaModel implements AutoCloseable {

    /** Added to the scores of future keys; exp underflows to exactly zero, as in the reference. */
    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final Map<Integer, float[][]> rotaryTables = new ConcurrentHashMap<>();

    private LlamaModel(ModelConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /** Copies the weights into trainable arrays owned by a new sub-manager of {@code parent}. */
    public static LlamaModel fromLlamaWeights(NDManager parent, LlamaWeights weights) {
        ModelConfig config = weights.config();
        NDManager manager = parent.newSubManager();
        Map<String, float[]> values = ParameterLayout.flatten(weights);
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        ParameterLayout.shapes(config).forEach((name, shape) -> {
            NDArray parameter = manager.create(values.get(name), new Shape(shape));
            parameter.setName(name);
            parameter.setRequiresGradient(true);
            parameters.put(name, parameter);
        });
        return new LlamaModel(config, manager, parameters);
    }

    /** A copy of the current weights in the exchange format. */
    public LlamaWeights toLlamaWeights() {
        Map<String, float[]> values = new LinkedHashMap<>();
        parameters.forEach((name, parameter) -> values.put(name, parameter.toFloatArray()));
        return ParameterLayout.assemble(config, values);
    }

    public ModelConfig config() {
        return config;
    }

    /** The trainable arrays by name, in {@link ParameterLayout#shapes} order. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** A manager for long-lived arrays beside the parameters (optimiser moments); closed with the model. */
    public NDManager newSubManager() {
        return manager.newSubManager();
    }

    /** A scope for one step: arrays created in it, and every intermediate, are freed when it closes. */
    public NDManager newStep() {
        NDManager step = manager.newSubManager();
        parameters.values().forEach(parameter -> parameter.tempAttach(step));
        return step;
    }

    /** Mean next-token cross-entropy (nats) of {@code targets} [batch, seq] given {@code inputs} [batch, seq]. */
    public NDArray loss(NDArray inputs, NDArray targets) {
        NDArray logProbabilities = logits(inputs).logSoftmax(2);
        return logProbabilities.gather(targets.expandDims(2), 2).mean().neg();
    }

    /** Logits [batch, seq, vocab] for int64 token ids [batch, seq] created in a {@link #newStep()} scope. */
    public NDArray logits(NDArray tokens) {
        long batch = tokens.getShape().get(0);
        int seq = Math.toIntExact(tokens.getShape().get(1));
        if (seq > config.contextLength()) {
            throw new IllegalArgumentException(seq + " tokens exceed the context of " + config.contextLength());
        }
        StepConstants constants = constants(tokens.getManager(), seq);
        NDArray x = parameter(EMBEDDING).get(new NDIndex("{}", tokens));
        for (int l = 0; l < config.layers(); l++) {
            x = x.add(attention(rmsNorm(x, parameter(layer(l, "inputNorm")), constants), l, constants, batch, seq));
            x = x.add(mlp(rmsNorm(x, parameter(layer(l, "postAttentionNorm")), constants), l));
        }
        x = rmsNorm(x, parameter(FINAL_NORM), constants);
        return config.tieWordEmbeddings()
                ? x.matMul(parameter(EMBEDDING).transpose())
                : x.matMul(parameter(LM_HEAD));
    }

    /** Logits of one sequence at positions 0..n-1, without gradients: [tokens.length][vocab]. */
    public float[][] logits(int[] tokens) {
        TorchRuntime.disableGradientsOnThisThread();
        try (NDManager step = newStep()) {
            long[] ids = new long[tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                ids[i] = tokens[i];
            }
            float[] flat = logits(step.create(ids, new Shape(1, tokens.length))).toFloatArray();
            float[][] rows = new float[tokens.length][config.vocabSize()];
            for (int t = 0; t < tokens.length; t++) {
                System.arraycopy(flat, t * config.vocabSize(), rows[t], 0, config.vocabSize());
            }
            return rows;
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    private NDArray attention(NDArray x, int l, StepConstants constants, long batch, int seq) {
        int headDim = config.headDim();
        NDArray q = rotate(splitHeads(x.matMul(parameter(layer(l, "wq"))), batch, seq, config.heads()), constants);
        NDArray k = rotate(splitHeads(x.matMul(parameter(layer(l, "wk"))), batch, seq, config.kvHeads()), constants);
        NDArray v = splitHeads(x.matMul(parameter(layer(l, "wv"))), batch, seq, config.kvHeads());
        k = repeatKvHeads(k, batch, seq);
        v = repeatKvHeads(v, batch, seq);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(constants.attentionScale()).add(constants.causalBias());
        NDArray context = scores.softmax(3).matMul(v);
        return context.transpose(0, 2, 1, 3)
                .reshape(batch, seq, (long) config.heads() * headDim)
                .matMul(parameter(layer(l, "wo")));
    }

    /** SwiGLU: (silu(x·Wgate) * (x·Wup)) · Wdown. */
    private NDArray mlp(NDArray x, int l) {
        NDArray gate = x.matMul(parameter(layer(l, "wGate")));
        NDArray up = x.matMul(parameter(layer(l, "wUp")));
        return gate.mul(Activation.sigmoid(gate)).mul(up).matMul(parameter(layer(l, "wDown")));
    }

    /** x / sqrt(mean(x²) + eps) * weight over the last axis (DJL has no RMSNorm op). */
    private static NDArray rmsNorm(NDArray x, NDArray weight, StepConstants constants) {
        NDArray meanSquare = x.square().mean(new int[] {2}, true);
        return x.div(meanSquare.add(constants.epsilon()).sqrt()).mul(weight);
    }

    /** [batch, seq, heads·headDim] → [batch, heads, seq, headDim]. */
    private NDArray splitHeads(NDArray x, long batch, int seq, int heads) {
        return x.reshape(batch, seq, heads, config.headDim()).transpose(0, 2, 1, 3);
    }

    /** Query head h reads kv head h / (heads / kvHeads): each kv head repeated in place. */
    private NDArray repeatKvHeads(NDArray kv, long batch, int seq) {
        int group = config.heads() / config.kvHeads();
        if (group == 1) {
            return kv;
        }
        int headDim = config.headDim();
        return kv.reshape(batch, config.kvHeads(), 1, seq, headDim)
                .broadcast(batch, config.kvHeads(), group, seq, headDim)
                .reshape(batch, config.heads(), seq, headDim);
    }

    /** x·cos + rotate_half(x)·sin, where rotate_half(x) = [-x2, x1] for halves x1, x2 of each head. */
    private NDArray rotate(NDArray x, StepConstants constants) {
        NDList halves = x.split(new long[] {config.headDim() / 2}, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(constants.cos()).add(rotated.mul(constants.sin()));
    }

    private NDArray parameter(String name) {
        return parameters.get(name);
    }

    private StepConstants constants(NDManager step, int seq) {
        float[][] rotary = rotaryTables.computeIfAbsent(seq, this::rotaryTables);
        Shape table = new Shape(seq, config.headDim());
        NDArray positions = step.arange(seq);
        NDArray future = positions.reshape(1, seq).gt(positions.reshape(seq, 1));
        return new StepConstants(
                step.create(config.rmsNormEps().floatValue()),
                step.create((float) (1.0 / Math.sqrt(config.headDim()))),
                future.toType(DataType.FLOAT32, false).mul(step.create(MASKED)),
                step.create(rotary[0], table),
                step.create(rotary[1], table));
    }

    /** cos and sin of position · theta^(-2i/headDim), [seq, headDim], computed in double like the reference. */
    private float[][] rotaryTables(int seq) {
        int headDim = config.headDim();
        int half = headDim / 2;
        float[] cos = new float[seq * headDim];
        float[] sin = new float[seq * headDim];
        for (int pos = 0; pos < seq; pos++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.pow(config.ropeTheta(), -2.0 * i / headDim);
                cos[pos * headDim + i] = cos[pos * headDim + i + half] = (float) Math.cos(angle);
                sin[pos * headDim + i] = sin[pos * headDim + i + half] = (float) Math.sin(angle);
            }
        }
        return new float[][] {cos, sin};
    }

    /** Arrays one forward pass needs, created in its step manager. */
    private record StepConstants(NDArray epsilon, NDArray attentionScale, NDArray causalBias, NDArray cos, NDArray sin) {
    }
}
