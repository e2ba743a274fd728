package dev.llmplatform.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** float32 → float16 → float32 keeps the graph and rounds each weight to float16, nothing else. */
class FloatPrecisionTest {

    private static final ModelConfig CONFIG = ModelConfig.llama(2, 4, 2, 32, 64, 64, 64, 0, 0, false);
    private static final LlamaWeights WEIGHTS = RandomLlama.create(CONFIG, 3);

    @TempDir
    Path dir;

    @Test
    void shouldRewriteEveryTypedPartOfTheGraphAndRoundTripTheWeightsThroughFloat16() throws IOException {
        Path fp32 = dir.resolve("model.onnx");
        LlamaOnnxWriter.write(WEIGHTS, fp32, LlamaOnnxWriter.Options.DEFAULT);

        FloatPrecision.toFloat16(fp32, dir.resolve("fp16"));
        Path fp16 = dir.resolve("fp16/model.onnx");
        ModelProto half = FloatPrecision.parse(fp16);
        assertThat(Files.size(dir.resolve("fp16/model.onnx.data"))).as("weights in external data").isPositive();
        assertThat(Float32Copies.needsFloat32(fp16)).isTrue();
        assertThat(Float32Copies.needsFloat32(fp32)).isFalse();
        assertThat(Float32Copies.inputOutputTypes(fp16)).containsEntry("past_key_values.0.key", DataType.FLOAT16.getNumber())
                .containsEntry("logits", DataType.FLOAT16.getNumber())
                .containsEntry("input_ids", DataType.INT64.getNumber());
        assertNoType(half.getGraph(), DataType.FLOAT);

        FloatPrecision.toFloat32(fp16, dir.resolve("back"));
        ModelProto back = FloatPrecision.parse(dir.resolve("back/model.onnx"));
        ModelProto original = FloatPrecision.parse(fp32);
        assertNoType(back.getGraph(), DataType.FLOAT16);
        assertThat(back.getGraph().getNodeList()).isEqualTo(original.getGraph().getNodeList());
        assertThat(back.getGraph().getInputList()).isEqualTo(original.getGraph().getInputList());
        assertThat(back.getGraph().getOutputList()).isEqualTo(original.getGraph().getOutputList());

        TensorProto embedding = initializer(back, "model.embed_tokens.weight");
        assertThat(embedding.getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
        float[] values = external(dir.resolve("back"), embedding);
        float[] expected = WEIGHTS.embedding();
        assertThat(values).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(values[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(expected[i])));
        }
    }

    @Test
    void shouldWidenBfloat16InitializersConstantsSubgraphsAndCasts() throws IOException {
        float[] values = {1.5f, -2.25f, 3.0e-3f, 65504f};
        ByteBuffer bf16 = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bf16.putShort((short) (Float.floatToIntBits(v) >>> 16));
        }
        TensorProto weights = TensorProto.newBuilder().setName("w").setDataType(DataType.BFLOAT16.getNumber())
                .addDims(values.length).setRawData(com.google.protobuf.ByteString.copyFrom(bf16.array())).build();
        NodeProto cast = NodeProto.newBuilder().setOpType("Cast").addInput("x").addOutput("y")
                .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("to")
                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(DataType.BFLOAT16.getNumber()))
                .build();
        GraphProto branch = GraphProto.newBuilder().setName("branch").addNode(NodeProto.newBuilder().setOpType("Constant")
                .addOutput("c").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("value")
                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR).setT(weights))).build();
        NodeProto ifNode = NodeProto.newBuilder().setOpType("If").addInput("flag").addOutput("z")
                .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("then_branch")
                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.GRAPH).setG(branch)).build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setGraph(GraphProto.newBuilder().setName("g")
                .addInitializer(weights).addNode(cast).addNode(ifNode)).build();
        Files.write(dir.resolve("bf16.onnx"), model.toByteArray());

        FloatPrecision.toFloat32(dir.resolve("bf16.onnx"), dir.resolve("out"));
        ModelProto wide = FloatPrecision.parse(dir.resolve("out/model.onnx"));

        assertNoType(wide.getGraph(), DataType.BFLOAT16);
        TensorProto widened = wide.getGraph().getInitializer(0);
        assertThat(widened.getDataType()).isEqualTo(DataType.FLOAT.getNumber());
        float[] read = new float[values.length];
        widened.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(read);
        assertThat(read).containsExactly(1.5f, -2.25f, Float.intBitsToFloat(Float.floatToIntBits(3.0e-3f) & 0xFFFF0000),
                65280f);
        TensorProto constant = wide.getGraph().getNode(1).getAttribute(0).getG().getNode(0).getAttribute(0).getT();
        assertThat(constant.getDataType()).isEqualTo(DataType.FLOAT.getNumber());
    }

    private static void assertNoType(GraphProto graph, DataType type) {
        for (TensorProto t : graph.getInitializerList()) {
            assertThat(t.getDataType()).as(t.getName()).isNotEqualTo(type.getNumber());
        }
        for (ValueInfoProto v : graph.getInputList()) {
            assertThat(v.getType().getTensorType().getElemType()).as(v.getName()).isNotEqualTo(type.getNumber());
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            assertThat(v.getType().getTensorType().getElemType()).as(v.getName()).isNotEqualTo(type.getNumber());
        }
        for (NodeProto n : graph.getNodeList()) {
            n.getAttributeList().stream().filter(a -> n.getOpType().equals("Cast") && a.getName().equals("to"))
                    .forEach(a -> assertThat(a.getI()).as(n.getName()).isNotEqualTo(type.getNumber()));
            n.getAttributeList().stream().filter(a -> a.hasT())
                    .forEach(a -> assertThat(a.getT().getDataType()).as(n.getName()).isNotEqualTo(type.getNumber()));
        }
    }

    private static TensorProto initializer(ModelProto model, String name) {
        return model.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    }

    private static float[] external(Path dir, TensorProto tensor) throws IOException {
        Map<String, String> entries = new java.util.HashMap<>();
        tensor.getExternalDataList().forEach(e -> entries.put(e.getKey(), e.getValue()));
        try (FileChannel channel = FileChannel.open(dir.resolve(entries.get("location")))) {
            ByteBuffer bytes = ByteBuffer.allocate(Integer.parseInt(entries.get("length"))).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(bytes, Long.parseLong(entries.get("offset")));
            bytes.flip();
            float[] values = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(values);
            return values;
        }
    }
}
