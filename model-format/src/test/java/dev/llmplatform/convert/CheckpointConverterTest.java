package dev.llmplatform.convert;

import ai.onnx.proto.OnnxMl;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelSettings;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.model.safetensors.Dtype;
import dev.llmplatform.model.safetensors.HuggingFaceExport;
import dev.llmplatform.onnx.ExternalData;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.onnx.OrtDecoder;
import dev.llmplatform.onnx.WeightQuantization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trip through Hugging Face's layout: {@link RandomLlama} weights written by {@link HuggingFaceExport}
 * (as F32, F16 or BF16, in one file or shards), converted, run in ONNX Runtime, against the plain-Java
 * {@link LlamaReference} on the same weights rounded through the stored dtype.
 */
class CheckpointConverterTest {

    private static final float TOLERANCE = 1e-4f;
    private static final int[] TOKENS = {3, 17, 42, 8, 0, 49, 25, 11};

    /** GQA 4/2, hidden 32, head dim 8; std 0.3 and uneven norms so attention is sharp (see LlamaOnnxWriterTest). */
    static LlamaWeights sharpWeights(boolean tied, long seed) {
        LlamaWeights w = RandomLlama.create(ModelConfig.llama(2, 4, 2, 32, 64, 50, 128, 1, 2, tied), seed, 0.3);
        SplittableRandom random = new SplittableRandom(seed);
        List<float[]> norms = new ArrayList<>(List.of(w.finalNorm()));
        w.layers().forEach(l -> norms.addAll(List.of(l.inputNorm(), l.postAttentionNorm())));
        for (float[] norm : norms) {
            for (int i = 0; i < norm.length; i++) {
                norm[i] = (float) random.nextDouble(0.5, 1.5);
            }
        }
        return w;
    }

    @ParameterizedTest(name = "{0}, {1} shard(s), tied {2}")
    @CsvSource({"F32, 1, false", "BF16, 1, true", "F16, 1, false", "BF16, 3, false", "F32, 2, true"})
    void shouldMatchTheReferenceOnTheStoredWeights(Dtype dtype, int shards, boolean tied, @TempDir Path dir) throws Exception {
        LlamaWeights weights = sharpWeights(tied, 5);
        Path checkpoint = dir.resolve("checkpoint");
        HuggingFaceExport.write(weights, checkpoint, dtype, shards);
        float[][] expected = LlamaReference.logits(rounded(weights, dtype), TOKENS);

        ConversionResult result = new CheckpointConverter().convert(checkpoint, dir.resolve("out"), WeightFormat.FP32,
                ConversionProgress.NONE);

        ModelConfig c = weights.config();
        try (OrtDecoder ort = new OrtDecoder(result.onnx(), c.layers(), c.kvHeads(), c.headDim())) {
            long[] ids = new long[TOKENS.length];
            long[] mask = new long[TOKENS.length];
            long[] positions = new long[TOKENS.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = TOKENS[i];
                mask[i] = 1;
                positions[i] = i;
            }
            float[][] logits = ort.run(new long[][] {ids}, new long[][] {mask}, new long[][] {positions},
                    ort.emptyCache(1)).logits()[0];
            for (int t = 0; t < TOKENS.length; t++) {
                for (int v = 0; v < c.vocabSize(); v++) {
                    assertThat(Math.abs(logits[t][v] - expected[t][v])).as("logit [%d][%d]", t, v).isLessThan(TOLERANCE);
                }
            }
        }
        assertThat(result.parameterCount()).isEqualTo(c.parameterCount());
        assertThat(result.family()).isEqualTo(Architecture.LLAMA);
        assertThat(result.architecture()).isEqualTo("LlamaForCausalLM");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"INT8", "INT4"})
    void shouldQuantizeExactlyLikeTheInMemoryWriter(WeightFormat format, @TempDir Path dir) throws Exception {
        LlamaWeights weights = sharpWeights(true, 4);
        Path checkpoint = dir.resolve("checkpoint");
        HuggingFaceExport.write(weights, checkpoint, Dtype.F32, 1);
        ConversionResult result = new CheckpointConverter().convert(checkpoint, dir.resolve("out"), format,
                ConversionProgress.NONE);
        Path inMemory = dir.resolve("in-memory.onnx");
        LlamaOnnxWriter.write(weights, inMemory, LlamaOnnxWriter.Options.quantized(format.quantization()));

        ModelConfig c = weights.config();
        try (OrtDecoder streamed = new OrtDecoder(result.onnx(), c.layers(), c.kvHeads(), c.headDim());
             OrtDecoder reference = new OrtDecoder(inMemory, c.layers(), c.kvHeads(), c.headDim())) {
            OrtDecoder.Greedy a = streamed.greedy(TOKENS, 6);
            OrtDecoder.Greedy b = reference.greedy(TOKENS, 6);
            assertThat(a.ids()).containsExactly(b.ids());
            for (int s = 0; s < 6; s++) {
                assertThat(a.logits()[s]).containsExactly(b.logits()[s]);
            }
        }
    }

    /** {@code llm-platform.json}'s quantization choices reach the converted graph (and change its logits). */
    @Test
    void shouldQuantizeWithTheFoldersChoices(@TempDir Path dir) throws Exception {
        LlamaWeights weights = sharpWeights(true, 4);
        Path checkpoint = dir.resolve("checkpoint");
        HuggingFaceExport.write(weights, checkpoint, Dtype.F32, 1);
        WeightQuantization chosen = WeightFormat.INT4.quantization(new ModelSettings.Quantization(32, "int8", true));
        assertThat(chosen).isEqualTo(WeightFormat.INT4.quantization().withBlockSize(32)
                .withLmHead(WeightQuantization.Format.INT8).withSymmetric(false));
        assertThat(WeightFormat.INT4.quantization(null)).isEqualTo(WeightFormat.INT4.quantization());
        assertThat(WeightFormat.FP32.quantization(new ModelSettings.Quantization(32, null, null))).isEqualTo(WeightQuantization.NONE);

        ConversionResult withChoices = new CheckpointConverter().convert(checkpoint, dir.resolve("chosen"), WeightFormat.INT4,
                chosen, ConversionProgress.NONE);
        ConversionResult withDefaults = new CheckpointConverter().convert(checkpoint, dir.resolve("default"), WeightFormat.INT4,
                ConversionProgress.NONE);
        Path inMemory = dir.resolve("in-memory.onnx");
        LlamaOnnxWriter.write(weights, inMemory, LlamaOnnxWriter.Options.quantized(chosen));

        ModelConfig c = weights.config();
        try (OrtDecoder streamed = new OrtDecoder(withChoices.onnx(), c.layers(), c.kvHeads(), c.headDim());
             OrtDecoder reference = new OrtDecoder(inMemory, c.layers(), c.kvHeads(), c.headDim());
             OrtDecoder defaults = new OrtDecoder(withDefaults.onnx(), c.layers(), c.kvHeads(), c.headDim())) {
            OrtDecoder.Greedy a = streamed.greedy(TOKENS, 3);
            assertThat(a.logits()[0]).containsExactly(reference.greedy(TOKENS, 3).logits()[0]);
            assertThat(a.logits()[0]).isNotEqualTo(defaults.greedy(TOKENS, 3).logits()[0]);
        }
    }

    /** Hidden 128: the default block (128) divides it, so a tied model's embedding is stored once, as the head. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"INT8", "INT4"})
    void shouldStoreATiedEmbeddingOnceAndQuantizeLikeTheInMemoryWriter(WeightFormat format, @TempDir Path dir)
            throws Exception {
        LlamaWeights weights = RandomLlama.create(ModelConfig.llama(2, 4, 2, 128, 256, 64, 64, 1, 2, true), 8, 0.1);
        Path checkpoint = dir.resolve("checkpoint");
        HuggingFaceExport.write(weights, checkpoint, Dtype.F32, 1);
        ConversionResult result = new CheckpointConverter().convert(checkpoint, dir.resolve("out"), format,
                ConversionProgress.NONE);
        Path inMemory = dir.resolve("in-memory.onnx");
        LlamaOnnxWriter.write(weights, inMemory, LlamaOnnxWriter.Options.quantized(format.quantization()));

        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(result.onnx())) {
            model = OnnxMl.ModelProto.parseFrom(in);
        }
        assertThat(model.getGraph().getInitializerList()).extracting(OnnxMl.TensorProto::getName)
                .doesNotContain("model.embed_tokens.weight");
        assertThat(model.getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("GatherBlockQuantized"));
        ModelConfig c = weights.config();
        try (OrtDecoder streamed = new OrtDecoder(result.onnx(), c.layers(), c.kvHeads(), c.headDim());
             OrtDecoder reference = new OrtDecoder(inMemory, c.layers(), c.kvHeads(), c.headDim())) {
            OrtDecoder.Greedy a = streamed.greedy(TOKENS, 4);
            OrtDecoder.Greedy b = reference.greedy(TOKENS, 4);
            assertThat(a.ids()).containsExactly(b.ids());
            for (int s = 0; s < 4; s++) {
                assertThat(a.logits()[s]).containsExactly(b.logits()[s]);
            }
        }
    }

    @Test
    void shouldStreamWeightsToAlignedExternalDataAndLeaveTheCheckpointAlone(@TempDir Path dir) throws Exception {
        LlamaWeights weights = sharpWeights(false, 9);
        Path checkpoint = dir.resolve("checkpoint");
        HuggingFaceExport.write(weights, checkpoint, Dtype.BF16, 2);
        List<String> before = listing(checkpoint);
        List<Double> fractions = new ArrayList<>();
        List<String> steps = new ArrayList<>();

        ConversionResult result = new CheckpointConverter().convert(checkpoint, dir.resolve("out"), WeightFormat.INT8,
                (fraction, step) -> {
                    fractions.add(fraction);
                    steps.add(step);
                });

        assertThat(listing(checkpoint)).isEqualTo(before);
        assertThat(listing(dir.resolve("out"))).containsExactly("model.onnx", "model.onnx.data");
        assertThat(listing(dir)).containsExactly("checkpoint", "out");   // no temporary folder left
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(result.onnx())) {
            model = OnnxMl.ModelProto.parseFrom(in);
        }
        List<String> external = new ArrayList<>();
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                external.add(t.getName());
                assertThat(t.getExternalData(0).getValue()).isEqualTo("model.onnx.data");
                assertThat(Long.parseLong(t.getExternalData(1).getValue()) % ExternalData.ALIGNMENT).isZero();
                assertThat(t.getRawData().isEmpty()).isTrue();
            } else {
                assertThat(t.getRawData().size()).as(t.getName()).isLessThan(ExternalData.INLINE_BELOW_BYTES);
            }
        }
        assertThat(external).contains("model.embed_tokens.weight", "model.layers.0.mlp.up_proj.weight_Q8", "lm_head.weight_Q8");
        assertThat(Files.size(result.onnx())).isLessThan(64 * 1024);
        assertThat(Files.size(result.data())).isEqualTo(result.dataBytes());
        assertThat(fractions).isSorted().startsWith(0.0).endsWith(1.0);
        assertThat(steps).contains("checking tensors", "converting model.layers.1.mlp.down_proj.weight", "done");
    }

    @Test
    void shouldReplaceAnEarlierConversionInAnExistingFolder(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        HuggingFaceExport.write(sharpWeights(true, 1), checkpoint, Dtype.F32, 1);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("model.onnx"), "old");
        Files.writeString(out.resolve("keep.txt"), "other files stay");

        ConversionResult result = new CheckpointConverter().convert(checkpoint, out, WeightFormat.INT4, ConversionProgress.NONE);

        assertThat(listing(out)).containsExactly("keep.txt", "model.onnx", "model.onnx.data");
        assertThat(Files.size(result.onnx())).isGreaterThan(3);
        assertThat(result.format()).isEqualTo(WeightFormat.INT4);
    }

    @Test
    void shouldLeaveNothingBehindWhenTheProgressCallbackCancels(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        HuggingFaceExport.write(sharpWeights(false, 2), checkpoint, Dtype.F16, 1);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CheckpointConverter().convert(checkpoint,
                dir.resolve("out"), WeightFormat.FP32, (fraction, step) -> {
                    if (step.contains("layers.1")) {
                        throw new IllegalStateException("cancelled");
                    }
                })).hasMessage("cancelled");

        assertThat(listing(dir)).containsExactly("checkpoint");
    }

    /** The weights as they read back from a checkpoint stored in {@code dtype}. */
    private static LlamaWeights rounded(LlamaWeights w, Dtype dtype) {
        List<LlamaWeights.Layer> layers = w.layers().stream().map(l -> new LlamaWeights.Layer(round(l.inputNorm(), dtype),
                round(l.wq(), dtype), round(l.wk(), dtype), round(l.wv(), dtype), round(l.wo(), dtype),
                round(l.postAttentionNorm(), dtype), round(l.wGate(), dtype), round(l.wUp(), dtype),
                round(l.wDown(), dtype))).toList();
        return new LlamaWeights(w.config(), round(w.embedding(), dtype), layers, round(w.finalNorm(), dtype),
                w.lmHead() == null ? null : round(w.lmHead(), dtype));
    }

    private static float[] round(float[] values, Dtype dtype) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = dtype.round(values[i]);
        }
        return out;
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
