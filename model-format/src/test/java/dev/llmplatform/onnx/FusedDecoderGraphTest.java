package dev.llmplatform.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.model.ModelConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The fused graph form against the plain one (the oracle) on random weights, in ONNX Runtime, one
 * sequence: a prompt, a second prompt chunk after it (the kernel's "subsequent prompt"), then single-token
 * decode steps, all in one KV buffer shared by past and present. Logits within 1e-4; the buffer holds the
 * plain form's present keys at the same positions (so the in-place write landed where the next step reads).
 */
class FusedDecoderGraphTest {

    private static final float TOLERANCE = 1e-4f;
    private static final int BUFFER = 24;
    /**
     * fp16 vs fp32 KV, worst |Δlogit| over max |logit| in these runs (ORT 1.28 CPU): Llama GQA 5.2e-3,
     * Qwen3 6.7e-4, Qwen2 with q/k/v bias 1.07e-2, GPT-2 2.6e-3; the bound is twice the worst.
     */
    private static final float HALF_KV_TOLERANCE = 0.022f;

    /** The decoder families the converter maps to, at sizes the fused kernel accepts (head dim 16). */
    enum Family {
        LLAMA_GQA, QWEN3_QK_NORM, QWEN2_BIAS, GPT2;

        DecoderSpec spec() {
            return switch (this) {
                case LLAMA_GQA -> DecoderSpec.llama(config("llama", 4, 2, true));
                case QWEN3_QK_NORM -> new DecoderSpec(config("qwen3", 4, 2, false), DecoderSpec.Block.LLAMA, 48,
                        false, false, false, true, DecoderSpec.defaultInvFreq(1_000_000, 16));
                case QWEN2_BIAS -> new DecoderSpec(config("qwen2", 4, 1, true), DecoderSpec.Block.LLAMA, 48,
                        true, false, false, false, DecoderSpec.defaultInvFreq(10_000, 16));
                case GPT2 -> new DecoderSpec(config("gpt2", 4, 4, true), DecoderSpec.Block.GPT2, 96,
                        true, true, true, false, null);
            };
        }

        private static ModelConfig config(String type, int heads, int kvHeads, boolean tied) {
            ModelConfig llama = ModelConfig.llama(2, heads, kvHeads, 64, 48, 61, 64, 1, 2, tied);
            return type.equals("llama") ? llama : new ModelConfig(type, llama.architectures(), 2, heads, kvHeads, 64, 48,
                    61, 64, 10_000.0, 1e-5, 1, llama.eosTokenIds(), tied, "float32", null, null);
        }
    }

    /** Seeded random tensors by name: norm weights near 1 and sharp (std 0.3) projections, so a wrong rotation shows. */
    static DecoderTensors randomTensors(long seed) {
        Map<String, float[]> made = new HashMap<>();
        return (name, shape) -> made.computeIfAbsent(name, n -> {
            int size = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
            SplittableRandom random = new SplittableRandom(seed ^ n.hashCode());
            float[] values = new float[size];
            boolean norm = n.contains("norm") || n.contains("layernorm");
            for (int i = 0; i < size; i++) {
                values[i] = norm && n.endsWith(".weight") ? (float) random.nextDouble(0.5, 1.5)
                        : (float) (random.nextGaussian() * (n.endsWith(".bias") ? 0.1 : 0.3));
            }
            return values;
        });
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void shouldGiveThePlainFormsLogitsForPromptChunkAndDecode(Family family) throws OrtException {
        DecoderSpec spec = family.spec();
        ModelConfig c = spec.config();
        DecoderTensors tensors = randomTensors(11);
        byte[] plain = LlamaOnnxWriter.model(spec, tensors, LlamaOnnxWriter.Options.DEFAULT, null).toByteArray();
        byte[] fused = LlamaOnnxWriter.model(spec, tensors, LlamaOnnxWriter.Options.DEFAULT.withForm(GraphForm.FUSED), null)
                .toByteArray();
        int[][] chunks = {{3, 17, 42, 8, 0}, {49, 25, 11}, {7}, {60}, {2}};
        try (OrtDecoder oracle = new OrtDecoder(plain, c.layers(), c.kvHeads(), c.headDim());
             FusedRunner runner = new FusedRunner(fused, c, family == Family.GPT2)) {
            OrtDecoder.Cache cache = oracle.emptyCache(1);
            for (int[] chunk : chunks) {
                long[] ids = Arrays.stream(chunk).asLongStream().toArray();
                long[] positions = new long[chunk.length];
                for (int j = 0; j < chunk.length; j++) {
                    positions[j] = cache.length() + j;
                }
                long[] mask = new long[cache.length() + chunk.length];
                Arrays.fill(mask, 1);
                OrtDecoder.Step expected = oracle.run(new long[][]{ids}, new long[][]{mask}, new long[][]{positions}, cache);
                float[][] actual = runner.step(chunk);
                for (int j = 0; j < chunk.length; j++) {
                    assertThat(actual[j]).as("%s position %d", family, positions[j])
                            .containsExactly(expected.logits()[0][j], within(TOLERANCE));
                }
                cache = expected.present();
                assertThat(runner.keys(0, cache.length()))
                        .containsExactly(cache.keys().get(0), within(TOLERANCE));
            }
        }
    }

    /**
     * A float16 KV cache (the attention op in float16) against the float32 fused form: the same steps, logits
     * within a bound measured here (random weights of std 0.3 make logits of several units, so float16's 11-bit
     * mantissa in q, k, v and the cache shows as a few 1e-3 of relative error).
     */
    @ParameterizedTest
    @EnumSource(Family.class)
    void shouldKeepLogitsCloseWithAHalfPrecisionCache(Family family) throws OrtException {
        DecoderSpec spec = family.spec();
        ModelConfig c = spec.config();
        DecoderTensors tensors = randomTensors(11);
        LlamaOnnxWriter.Options fusedOptions = LlamaOnnxWriter.Options.DEFAULT.withForm(GraphForm.FUSED);
        byte[] full = LlamaOnnxWriter.model(spec, tensors, fusedOptions, null).toByteArray();
        byte[] half = LlamaOnnxWriter.model(spec, tensors, fusedOptions.withKv(KvPrecision.FP16), null).toByteArray();
        int[][] chunks = {{3, 17, 42, 8, 0}, {49, 25, 11}, {7}, {60}, {2}};
        float worst = 0;
        float scale = 0;
        try (FusedRunner expected = new FusedRunner(full, c, family == Family.GPT2);
             FusedRunner actual = new FusedRunner(half, c, family == Family.GPT2, KvPrecision.FP16)) {
            for (int[] chunk : chunks) {
                float[][] e = expected.step(chunk);
                float[][] a = actual.step(chunk);
                for (int j = 0; j < chunk.length; j++) {
                    for (int v = 0; v < c.vocabSize(); v++) {
                        worst = Math.max(worst, Math.abs(e[j][v] - a[j][v]));
                        scale = Math.max(scale, Math.abs(e[j][v]));
                    }
                }
            }
        }
        System.out.printf("%s fp16 KV: worst logit difference %.3e of max |logit| %.2f (%.2e relative)%n",
                family, worst, scale, worst / scale);
        assertThat(worst / scale).as(family.name()).isLessThan(HALF_KV_TOLERANCE);
    }

    /** Drives a fused graph with one sequence whose KV buffers serve as both past and present. */
    static final class FusedRunner implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final ModelConfig c;
        private final boolean positionIds;
        private final KvPrecision kv;
        private final ByteBuffer[] keys;
        private final ByteBuffer[] values;
        private int length;

        FusedRunner(byte[] model, ModelConfig c, boolean positionIds) throws OrtException {
            this(model, c, positionIds, KvPrecision.FP32);
        }

        FusedRunner(byte[] model, ModelConfig c, boolean positionIds, KvPrecision kv) throws OrtException {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                this.session = env.createSession(model, options);
            }
            this.c = c;
            this.positionIds = positionIds;
            this.kv = kv;
            keys = new ByteBuffer[c.layers()];
            values = new ByteBuffer[c.layers()];
            int elements = c.kvHeads() * BUFFER * c.headDim();
            for (int l = 0; l < c.layers(); l++) {
                keys[l] = ByteBuffer.allocateDirect(elements * kv.bytes()).order(ByteOrder.nativeOrder());
                values[l] = ByteBuffer.allocateDirect(elements * kv.bytes()).order(ByteOrder.nativeOrder());
            }
        }

        private OnnxTensor kvTensor(ByteBuffer buffer, long[] shape) throws OrtException {
            return kv == KvPrecision.FP32 ? OnnxTensor.createTensor(env, buffer.asFloatBuffer(), shape)
                    : OnnxTensor.createTensor(env, buffer.asShortBuffer(), shape, ai.onnxruntime.OnnxJavaType.FLOAT16);
        }

        float[][] step(int[] chunk) throws OrtException {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            Map<String, OnnxTensor> outputs = new HashMap<>();
            int s = chunk.length;
            try {
                long[] ids = Arrays.stream(chunk).asLongStream().toArray();
                inputs.put("input_ids", OnnxTensor.createTensor(env, new long[][]{ids}));
                if (positionIds) {
                    long[] positions = new long[s];
                    for (int j = 0; j < s; j++) {
                        positions[j] = length + j;
                    }
                    inputs.put("position_ids", OnnxTensor.createTensor(env, new long[][]{positions}));
                }
                inputs.put("seqlens_k", OnnxTensor.createTensor(env, IntBuffer.wrap(new int[]{length + s - 1}), new long[]{1}));
                inputs.put("num_logits_to_keep", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{s}), new long[]{}));
                inputs.put("total_sequence_length", OnnxTensor.createTensor(env, IntBuffer.wrap(new int[]{length + s}), new long[]{}));
                long[] shape = {1, c.kvHeads(), BUFFER, c.headDim()};
                for (int l = 0; l < c.layers(); l++) {
                    inputs.put("past_key_values." + l + ".key", kvTensor(keys[l], shape));
                    inputs.put("past_key_values." + l + ".value", kvTensor(values[l], shape));
                    outputs.put("present." + l + ".key", kvTensor(keys[l], shape));
                    outputs.put("present." + l + ".value", kvTensor(values[l], shape));
                }
                FloatBuffer logits = ByteBuffer.allocateDirect(s * c.vocabSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                outputs.put("logits", OnnxTensor.createTensor(env, logits, new long[]{1, s, c.vocabSize()}));
                session.run(inputs, outputs).close();
                length += s;
                float[][] rows = new float[s][c.vocabSize()];
                for (int j = 0; j < s; j++) {
                    logits.get(j * c.vocabSize(), rows[j]);
                }
                return rows;
            } finally {
                inputs.values().forEach(OnnxTensor::close);
                outputs.values().forEach(OnnxTensor::close);
            }
        }

        /** Layer {@code l}'s keys [kvHeads, count, headDim], read from the shared buffer. */
        float[] keys(int l, int count) {
            float[] out = new float[c.kvHeads() * count * c.headDim()];
            for (int h = 0; h < c.kvHeads(); h++) {
                for (int i = 0; i < count * c.headDim(); i++) {
                    int at = h * BUFFER * c.headDim() + i;
                    out[h * count * c.headDim() + i] = kv == KvPrecision.FP32 ? keys[l].getFloat(at * 4)
                            : Float.float16ToFloat(keys[l].getShort(at * 2));
                }
            }
            return out;
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }
}
