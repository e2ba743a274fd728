package dev.llmplatform.onnx;

import dev.llmplatform.model.ModelConfig;

import java.util.Objects;

/**
 * What the decoder graph looks like beyond the sizes in {@link ModelConfig}: the block type and
 * the optional parts that distinguish the Hugging Face families ({@code dev.llmplatform.convert}
 * maps each family to one of these).
 *
 * <ul>
 *   <li>{@link Block#LLAMA}: RMSNorm, rotary positions (rotate-half) with {@code invFreq}, SwiGLU MLP
 *       ({@code gate_proj}, {@code up_proj}, {@code down_proj}); optional q/k/v biases (Qwen2), output and
 *       MLP biases, and per-head RMSNorm of q and k before the rotation (Qwen3).</li>
 *   <li>{@link Block#GPT2}: LayerNorm with bias, learned absolute positions
 *       ({@code model.embed_positions.weight}), GELU (tanh approximation, "gelu_new") MLP
 *       ({@code up_proj} = {@code c_fc}, {@code down_proj} = {@code c_proj}), biases on every linear layer.</li>
 * </ul>
 *
 * @param intermediate the MLP's inner width
 * @param invFreq      rotary inverse frequencies, headDim/2 of them, scaling already applied (unused for GPT-2)
 */
public record DecoderSpec(ModelConfig config, Block block, int intermediate, boolean qkvBias, boolean outputBias,
                          boolean mlpBias, boolean qkNorm, float[] invFreq) {

    /** The transformer block's family. */
    public enum Block { LLAMA, GPT2 }

    public DecoderSpec {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(block, "block");
        if (block == Block.GPT2) {
            qkvBias = true;
            outputBias = true;
            mlpBias = true;
            qkNorm = false;
        } else {
            if (config.headDim() % 2 != 0) {
                throw new IllegalArgumentException("rotary embeddings need an even head dimension, got " + config.headDim());
            }
            if (invFreq == null || invFreq.length != config.headDim() / 2) {
                throw new IllegalArgumentException("need " + config.headDim() / 2 + " rotary inverse frequencies");
            }
        }
        if (intermediate <= 0) {
            throw new IllegalArgumentException("intermediate size must be > 0, got " + intermediate);
        }
    }

    /** A plain Llama: no biases, no q/k norm, unscaled rotary frequencies. */
    public static DecoderSpec llama(ModelConfig config) {
        return new DecoderSpec(config, Block.LLAMA, config.intermediate(), false, false, false, false,
                defaultInvFreq(config.ropeTheta(), config.headDim()));
    }

    /**
     * {@code 1 / theta^(2i / headDim)} computed as PyTorch does it in Hugging Face's
     * {@code _compute_default_rope_parameters} (float32 exponent and power), so angles agree to the bit
     * as far as {@code pow} does.
     */
    public static float[] defaultInvFreq(double theta, int headDim) {
        float[] invFreq = new float[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            invFreq[i] = 1f / (float) Math.pow((float) theta, exponent);
        }
        return invFreq;
    }

    public int qDim() {
        return config.heads() * config.headDim();
    }

    public int kvDim() {
        return config.kvHeads() * config.headDim();
    }
}
