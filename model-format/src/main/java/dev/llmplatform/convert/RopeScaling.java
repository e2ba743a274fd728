package dev.llmplatform.convert;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.onnx.DecoderSpec;

import java.util.Map;

/**
 * Rotary inverse frequencies with config.json's {@code rope_scaling} applied, as Hugging Face's
 * {@code modeling_rope_utils} computes them. Supported {@code rope_type} (or the older {@code type}):
 * <ul>
 *   <li>absent, null or {@code default}: {@code 1 / theta^(2i/d)};</li>
 *   <li>{@code linear}: those divided by {@code factor} (positions interpolated);</li>
 *   <li>{@code llama3} ({@code _compute_llama3_parameters}): wavelengths above
 *       {@code original_max_position_embeddings / low_freq_factor} divided by {@code factor}, below
 *       {@code original_max_position_embeddings / high_freq_factor} kept, and in between a smooth
 *       interpolation of the two.</li>
 * </ul>
 * Anything else is refused: a model run with the wrong frequencies would produce plausible nonsense.
 */
public final class RopeScaling {

    public static final String SUPPORTED = "llama3, linear, default";

    private RopeScaling() {
    }

    public static float[] invFreq(ModelConfig c) {
        float[] base = DecoderSpec.defaultInvFreq(c.ropeTheta(), c.headDim());
        Map<String, Object> scaling = c.ropeScaling();
        if (scaling == null) {
            return base;
        }
        Object type = scaling.containsKey("rope_type") ? scaling.get("rope_type") : scaling.get("type");
        String key = scaling.containsKey("rope_type") ? "rope_type" : "type";
        if (type == null || "default".equals(type)) {
            return base;
        }
        return switch (type.toString()) {
            case "linear" -> linear(base, number(scaling, "factor"));
            case "llama3" -> llama3(base, number(scaling, "factor"), number(scaling, "low_freq_factor"),
                    number(scaling, "high_freq_factor"), number(scaling, "original_max_position_embeddings"));
            default -> throw new CheckpointException("config.json: rope_scaling." + key + " '" + type
                    + "' is not supported (supported: " + SUPPORTED + ")");
        };
    }

    static float[] linear(float[] invFreq, double factor) {
        float[] out = new float[invFreq.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (invFreq[i] / factor);
        }
        return out;
    }

    /** HF's {@code _compute_llama3_parameters}, step by step (PyTorch computes it in float32; we round at the end). */
    static float[] llama3(float[] invFreq, double factor, double lowFreqFactor, double highFreqFactor,
                          double originalContext) {
        double lowFreqWavelen = originalContext / lowFreqFactor;
        double highFreqWavelen = originalContext / highFreqFactor;
        float[] out = new float[invFreq.length];
        for (int i = 0; i < out.length; i++) {
            double freq = invFreq[i];
            double wavelen = 2 * Math.PI / freq;
            double scaled = wavelen > lowFreqWavelen ? freq / factor : freq;
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            if (medium) {
                double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                scaled = (1 - smooth) * scaled / factor + smooth * scaled;
            }
            out[i] = (float) scaled;
        }
        return out;
    }

    private static double number(Map<String, Object> scaling, String key) {
        Object v = scaling.get(key);
        if (!(v instanceof Number n) || n.doubleValue() <= 0) {
            throw new CheckpointException("config.json: rope_scaling." + key + " must be a positive number, got " + v);
        }
        return n.doubleValue();
    }
}
