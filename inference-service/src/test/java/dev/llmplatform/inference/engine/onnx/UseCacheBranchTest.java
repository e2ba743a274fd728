package dev.llmplatform.inference.engine.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Optimum's merged decoders take a {@code use_cache_branch} flag: true when a past is fed. The test
 * graph checks the flag itself: it negates its logits whenever the flag disagrees with the past's
 * length, so a wrong or missing flag shows as logits far from the reference.
 */
class UseCacheBranchTest {

    private static final double TOLERANCE = 1e-4;
    private static final int[] SEQUENCE = {1, 17, 42, 5, 63, 8, 8, 30, 2, 11};

    @Test
    void shouldFeedUseCacheBranchTrueExactlyWhenThereIsAPast() {
        try (OnnxDecoder decoder = OnnxDecoder.fromBytes(withUseCacheBranch().toByteArray(), TinyLlama.CONFIG,
                DecoderOptions.cpu(1))) {
            assertThat(decoder.graph().hasUseCacheBranch()).isTrue();
            KvCache cache = decoder.newCache(SEQUENCE.length);
            int prompt = 4;
            float[][] logits = new float[SEQUENCE.length][];
            float[][] prefill = decoder.step(List.of(cache), List.of(Arrays.copyOf(SEQUENCE, prompt)), true)[0];
            System.arraycopy(prefill, 0, logits, 0, prompt);
            for (int i = prompt; i < SEQUENCE.length; i++) {
                logits[i] = decoder.step(List.of(cache), List.of(new int[]{SEQUENCE[i]}), false)[0][0];
            }

            float[][] reference = LlamaReference.logits(TinyLlama.WEIGHTS, SEQUENCE);
            assertThat(OnnxDecoderTest.maxAbsDiff(logits, reference)).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    /** TinyLlama's graph, its logits multiplied by 1 - 2 × (use_cache_branch XOR past length > 0). */
    private static OnnxMl.ModelProto withUseCacheBranch() {
        OnnxMl.ModelProto model = LlamaOnnxWriter.model(TinyLlama.WEIGHTS, LlamaOnnxWriter.Options.DEFAULT);
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        for (OnnxMl.NodeProto.Builder node : g.getNodeBuilderList()) {
            for (int o = 0; o < node.getOutputCount(); o++) {
                if (node.getOutput(o).equals("logits")) {
                    node.setOutput(o, "logits_unchecked");
                }
            }
        }
        g.addInput(OnnxMl.ValueInfoProto.newBuilder().setName("use_cache_branch").setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(DataType.BOOL.getNumber())
                        .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))))));
        g.addInitializer(scalar("two_i", DataType.INT64, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(2)));
        g.addInitializer(scalar("zero_i", DataType.INT64, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0)));
        g.addInitializer(scalar("minus_two", DataType.FLOAT, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(-2)));
        g.addInitializer(scalar("one", DataType.FLOAT, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1)));
        g.addNode(node("Shape", List.of("past_key_values.0.key"), "past_shape"));
        g.addNode(node("Gather", List.of("past_shape", "two_i"), "past_length"));
        g.addNode(node("Greater", List.of("past_length", "zero_i"), "has_past"));
        g.addNode(node("Xor", List.of("use_cache_branch", "has_past"), "flag_wrong"));
        g.addNode(node("Cast", List.of("flag_wrong"), "flag_wrong_f").toBuilder()
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to").setType(OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(DataType.FLOAT.getNumber())).build());
        g.addNode(node("Mul", List.of("flag_wrong_f", "minus_two"), "flip"));
        g.addNode(node("Add", List.of("flip", "one"), "sign"));
        g.addNode(node("Mul", List.of("logits_unchecked", "sign"), "logits"));
        return model.toBuilder().setGraph(g).build();
    }

    private static OnnxMl.NodeProto node(String op, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName("check/" + output).addAllInput(inputs)
                .addOutput(output).build();
    }

    private static OnnxMl.TensorProto scalar(String name, DataType type, ByteBuffer value) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(value.array())).build();
    }
}
