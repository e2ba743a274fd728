package dev.llmplatform.inference.testing;

import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.onnx.DecoderSpec;
import dev.llmplatform.onnx.DecoderTensors;
import dev.llmplatform.onnx.GraphForm;
import dev.llmplatform.onnx.KvPrecision;
import dev.llmplatform.onnx.LlamaOnnxWriter;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tiny random decoders in both graph forms from the same weights, for checking the fused form against
 * the plain one. Head dimension 16: ONNX Runtime's GroupQueryAttention wants a multiple of 16 for its rotary.
 */
public final class TinyFused {

    public static final int CONTEXT = 64;
    public static final int VOCAB = 61;

    /** Llama with grouped-query attention (4 heads on 2 kv heads), and a GPT-2 block (LayerNorm, learned positions). */
    public enum Family {
        LLAMA_GQA, GPT2;

        public DecoderSpec spec() {
            ModelConfig llama = ModelConfig.llama(2, 4, 2, 64, 48, VOCAB, CONTEXT, 1, 2, false);
            if (this == LLAMA_GQA) {
                return DecoderSpec.llama(llama);
            }
            ModelConfig gpt2 = new ModelConfig("gpt2", List.of("GPT2LMHeadModel"), 2, 4, 4, 64, 96, VOCAB, CONTEXT,
                    10_000.0, 1e-5, 1, List.of(2), true, "float32", null, null);
            return new DecoderSpec(gpt2, DecoderSpec.Block.GPT2, 96, true, true, true, false, null);
        }
    }

    private TinyFused() {
    }

    /** A CPU decoder (one intra-op thread) of the family in the given form, on seeded random weights. */
    public static OnnxDecoder decoder(Family family, GraphForm form) {
        return decoder(family, form, KvPrecision.FP32);
    }

    /** As above, with the fused form's KV cache in {@code kv}. */
    public static OnnxDecoder decoder(Family family, GraphForm form, KvPrecision kv) {
        DecoderSpec spec = family.spec();
        LlamaOnnxWriter.Options options = LlamaOnnxWriter.Options.DEFAULT.withForm(form).withKv(kv);
        byte[] graph = LlamaOnnxWriter.model(spec, randomTensors(5), options, null).toByteArray();
        return OnnxDecoder.fromBytes(graph, spec.config(), DecoderOptions.cpu(1));
    }

    /** Seeded random tensors by name; norm weights near 1, projections sharp (std 0.3) so that attention errors show. */
    public static DecoderTensors randomTensors(long seed) {
        Map<String, float[]> made = new HashMap<>();
        return (name, shape) -> made.computeIfAbsent(name, n -> {
            int size = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
            SplittableRandom random = new SplittableRandom(seed ^ n.hashCode());
            float[] values = new float[size];
            boolean norm = n.contains("norm") && n.endsWith(".weight");
            for (int i = 0; i < size; i++) {
                values[i] = norm ? (float) random.nextDouble(0.5, 1.5)
                        : (float) (random.nextGaussian() * (n.endsWith(".bias") ? 0.1 : 0.3));
            }
            return values;
        });
    }
}
