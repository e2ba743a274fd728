package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.CrossEntropy;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.onnx.WeightQuantization.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.llmplatform.onnx.LlamaOnnxWriterTest.longs;
import static dev.llmplatform.onnx.LlamaOnnxWriterTest.ones;
import static dev.llmplatform.onnx.LlamaOnnxWriterTest.range;
import static org.assertj.core.api.Assertions.assertThat;

class QuantizedLlamaOnnxWriterTest {

    /** 2 layers, hidden 64 (2 blocks of 32), 4 heads on 2 kv heads, intermediate 128 (4 blocks), vocab 96. */
    private static ModelConfig config(boolean tied) {
        return ModelConfig.llama(2, 4, 2, 64, 128, 96, 128, 1, 2, tied);
    }

    /** std 0.1: attention and logits far from uniform, so quantization error shows in the loss. */
    private static LlamaWeights weights(boolean tied) {
        return RandomLlama.create(config(tied), 21, 0.1);
    }

    private static int[] text(int length) {
        SplittableRandom random = new SplittableRandom(5);
        return random.ints(length, 0, 96).toArray();
    }

    private static float[][] ortLogits(LlamaWeights w, WeightQuantization q, int[] tokens) throws OrtException {
        ModelConfig c = w.config();
        byte[] model = LlamaOnnxWriter.toBytes(w, LlamaOnnxWriter.Options.quantized(q));
        try (OrtDecoder ort = new OrtDecoder(model, c.layers(), c.kvHeads(), c.headDim())) {
            return ort.run(new long[][] {longs(tokens)}, new long[][] {ones(tokens.length)},
                    new long[][] {range(0, tokens.length)}, ort.emptyCache(1)).logits()[0];
        }
    }

    @ParameterizedTest(name = "{0} symmetric={1} tied={2} block={3} head={4} shared={5}")
    @CsvSource({"INT8,true,true,32,INT8,false", "INT8,false,false,32,INT8,false", "INT4,true,false,32,INT4,false",
            "INT4,false,true,32,INT4,false", "INT4,true,true,32,INT8,false", "INT4,false,false,64,INT8,false",
            "INT4,true,true,128,FP32,false", "INT8,true,false,128,INT4,false",
            "INT4,true,true,32,INT4,true", "INT4,false,true,64,INT4,true", "INT8,false,true,32,INT8,true",
            "INT4,true,true,32,INT8,true"})
    void shouldComputeWhatThePlainJavaDequantizedWeightsCompute(Format format, boolean symmetric, boolean tied, int block,
                                                                Format head, boolean shared) throws OrtException {
        LlamaWeights w = weights(tied);
        // Level 0: float activations, so only the weights' rounding separates ONNX Runtime from the reference.
        // Block 128 is past K = 64 (one padded block) for all but down_proj (K = 128). Shared: the input rows are
        // gathered from the quantized head (GatherBlockQuantized), so the reference's embedding is dequantized too.
        WeightQuantization q = WeightQuantization.of(format).withSymmetric(symmetric).withBlockSize(block).withLmHead(head)
                .withSharedEmbedding(shared).withAccuracyLevel(0);
        int[] tokens = text(12);

        float[][] expected = LlamaReference.logits(QuantizedReference.roundTrip(w, q), tokens);
        float[][] actual = ortLogits(w, q, tokens);

        assertThat(maxAbsDiff(expected, actual)).isLessThan(2e-4);
    }

    /**
     * Block 32 (the default before QuantBench; the defaults' bounds are {@link QuantizationDefaultsTest}'s, on a
     * model wide enough for block 128), symmetric, LM head quantized, int8 activations. Bounds about
     * twice what these weights give (logit std 0.74, fp32 eval loss 3.04 nats against ln 96 = 4.56
     * for a uniform guess): int8 max |diff| 0.085 (11% of the logit std), mean 0.016 (2.2%), loss
     * +0.002 nats; int4 max 1.34, mean 0.22 (29%), loss +0.11 nats. A small random model amplifies
     * weight noise more than a trained one, so int4 is looser than it would be there.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"INT8,0.2,0.04,0.01", "INT4,3.0,0.45,0.25"})
    void shouldStayCloseToFloat32LogitsAndEvalLoss(Format format, double maxDiffPerLogitStd, double meanDiffPerLogitStd,
                                                   double maxLossIncrease)
            throws OrtException {
        LlamaWeights w = weights(false);
        int[] tokens = text(48);
        float[][] fp32 = ortLogits(w, WeightQuantization.NONE, tokens);
        float[][] quantized = ortLogits(w, WeightQuantization.of(format).withBlockSize(32), tokens);
        int[] greedyTargets = CrossEntropy.argmax(fp32);

        double std = std(fp32);
        double diff = maxAbsDiff(fp32, quantized);
        double meanDiff = meanAbsDiff(fp32, quantized);
        double lossFp32 = CrossEntropy.mean(fp32, greedyTargets);
        double lossQuantized = CrossEntropy.mean(quantized, greedyTargets);
        System.out.printf("%s: logit std %.3f, max diff %.4f, mean diff %.4f, loss fp32 %.4f quantized %.4f%n",
                format, std, diff, meanDiff, lossFp32, lossQuantized);

        assertThat(diff / std).isLessThan(maxDiffPerLogitStd);
        assertThat(meanDiff / std).isLessThan(meanDiffPerLogitStd);
        assertThat(lossQuantized - lossFp32).isLessThan(maxLossIncrease);
        assertThat(lossFp32).as("targets are fp32's own argmax, so a real loss stays below uniform").isLessThan(Math.log(96) - 1);
    }

    @Test
    void shouldDecodeWithKvCacheLikeOneFullPass() throws OrtException {
        LlamaWeights w = weights(true);
        int[] tokens = text(6);
        WeightQuantization q = WeightQuantization.of(Format.INT4);
        float[][] full = ortLogits(w, q, tokens);
        ModelConfig c = w.config();

        try (OrtDecoder ort = new OrtDecoder(LlamaOnnxWriter.toBytes(w, LlamaOnnxWriter.Options.quantized(q)),
                c.layers(), c.kvHeads(), c.headDim())) {
            OrtDecoder.Step step = ort.run(new long[][] {longs(Arrays.copyOf(tokens, 4))}, new long[][] {ones(4)},
                    new long[][] {range(0, 4)}, ort.emptyCache(1));
            for (int i = 4; i < tokens.length; i++) {
                step = ort.run(new long[][] {{tokens[i]}}, new long[][] {ones(i + 1)}, new long[][] {{i}}, step.present());
                assertThat(maxAbsDiff(new float[][] {full[i]}, step.logits()[0])).as("position " + i).isLessThan(1e-4);
            }
        }
    }

    @Test
    void shouldWriteMatMulNBitsForEveryLinearLayerAndShrinkTheModel() {
        LlamaWeights w = weights(true);
        OnnxMl.ModelProto fp32 = LlamaOnnxWriter.model(w, LlamaOnnxWriter.Options.DEFAULT);
        // Block 32: hidden 64 is less than one default block (128), which would be padded to twice the codes.
        WeightQuantization b32 = WeightQuantization.of(Format.INT4).withBlockSize(32).withSharedEmbedding(false);
        OnnxMl.ModelProto int4 = LlamaOnnxWriter.model(w, LlamaOnnxWriter.Options.quantized(b32));
        OnnxMl.ModelProto int8NoHead = LlamaOnnxWriter.model(w,
                LlamaOnnxWriter.Options.quantized(WeightQuantization.of(Format.INT8).withLmHead(false)));

        assertThat(count(fp32, "MatMulNBits")).isZero();
        assertThat(fp32.getOpsetImportList()).extracting(OnnxMl.OperatorSetIdProto::getDomain).containsExactly("");
        assertThat(count(int4, "MatMulNBits")).isEqualTo(2 * 7 + 1);
        assertThat(count(int8NoHead, "MatMulNBits")).isEqualTo(2 * 7);
        OnnxMl.ModelProto int4Head8 = LlamaOnnxWriter.model(w,
                LlamaOnnxWriter.Options.quantized(WeightQuantization.of(Format.INT4).withLmHead(Format.INT8)));
        assertThat(int4Head8.getGraph().getInitializerList()).extracting(OnnxMl.TensorProto::getName)
                .contains("lm_head.weight_Q8", "model.layers.0.mlp.down_proj.weight_Q4");
        assertThat(int4Head8.getMetadataPropsList()).anyMatch(p -> p.getKey().equals("quant_lm_head_format")
                && p.getValue().equals("int8"));
        // A shared tied embedding: no float32 table, the rows gathered from the head's bytes.
        OnnxMl.ModelProto shared = LlamaOnnxWriter.model(w,
                LlamaOnnxWriter.Options.quantized(b32.withSharedEmbedding(true)));
        assertThat(shared.getGraph().getInitializerList()).extracting(OnnxMl.TensorProto::getName)
                .doesNotContain("model.embed_tokens.weight").contains("lm_head.weight_Q4");
        assertThat(count(shared, "GatherBlockQuantized")).isEqualTo(1);
        assertThat(int4.getSerializedSize() - shared.getSerializedSize()).isGreaterThan(4 * 96 * 64 - 1024);
        assertThat(int4.getOpsetImportList()).extracting(OnnxMl.OperatorSetIdProto::getDomain).contains("com.microsoft");
        assertThat(int4.getMetadataPropsList()).anyMatch(p -> p.getKey().equals("weight_format") && p.getValue().equals("int4"));
        // Linear weights are 4 bits plus one float scale per 32 (5 bits a weight); the embedding stays float32.
        long linearFp32 = 4L * (w.config().parameterCount() - 96 * 64);
        long saved = fp32.getSerializedSize() - int4.getSerializedSize();
        assertThat(saved).isGreaterThan(linearFp32 * 3 / 4 - 96 * 64 * 5 / 8);
    }

    private static long count(OnnxMl.ModelProto model, String opType) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).count();
    }

    private static double maxAbsDiff(float[][] a, float[][] b) {
        assertThat(b.length).isEqualTo(a.length);
        double max = 0;
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                max = Math.max(max, Math.abs(a[t][i] - b[t][i]));
            }
        }
        return max;
    }

    private static double meanAbsDiff(float[][] a, float[][] b) {
        double sum = 0;
        long n = 0;
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                sum += Math.abs(a[t][i] - b[t][i]);
                n++;
            }
        }
        return sum / n;
    }

    private static double std(float[][] values) {
        double sum = 0;
        double squares = 0;
        long n = 0;
        for (float[] row : values) {
            for (float v : row) {
                sum += v;
                squares += (double) v * v;
                n++;
            }
        }
        double mean = sum / n;
        return Math.sqrt(squares / n - mean * mean);
    }
}
