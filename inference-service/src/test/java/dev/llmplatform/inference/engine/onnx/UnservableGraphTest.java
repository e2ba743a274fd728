package dev.llmplatform.inference.engine.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.model.ModelNotReadyException;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What cannot be served fails loading with the file and the problem named. */
class UnservableGraphTest {

    @TempDir
    Path store;

    private ModelPackage folder(String name, String graphFile, byte[] graph) throws IOException {
        Path dir = Files.createDirectories(store.resolve(name).resolve("1"));
        ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), TinyLlama.CONFIG);
        if (graph != null) {
            Files.createDirectories(dir.resolve(graphFile).getParent());
            Files.write(dir.resolve(graphFile), graph);
        }
        return new ModelStore(store).openLatest(name).orElseThrow();
    }

    @Test
    void shouldNameTheFileOfAnUnreadableGraph() throws IOException {
        ModelPackage pkg = folder("garbage", "onnx/model.onnx", "not a graph".getBytes());

        assertThatThrownBy(() -> ServedDecoders.open(pkg, DecoderOptions.cpu(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("onnx/model.onnx");
    }

    @Test
    void shouldSayAGraphWithoutPastInputsNeedsAnExportWithPast() throws IOException {
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("no-past")
                .addInput(tensor("input_ids", DataType.INT64, "batch", "seq"))
                .addInput(tensor("attention_mask", DataType.INT64, "batch", "total"))
                .addInput(tensor("position_ids", DataType.INT64, "batch", "seq"))
                .addOutput(tensor("logits", DataType.FLOAT, "batch", "seq", "vocab"))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("embed").setDataType(DataType.FLOAT.getNumber())
                        .addDims(64).addDims(64).setRawData(com.google.protobuf.ByteString.copyFrom(new byte[64 * 64 * 4])))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gather").setName("lookup")
                        .addInput("embed").addInput("input_ids").addOutput("logits"));
        byte[] model = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .build().toByteArray();
        ModelPackage pkg = folder("nopast", "model.onnx", model);

        assertThatThrownBy(() -> ServedDecoders.open(pkg, DecoderOptions.cpu(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.onnx").hasMessageContaining("past_key_values");
    }

    @Test
    void shouldSignalACheckpointNotConvertedYet() throws IOException {
        ModelPackage pkg = folder("ckpt", "model.safetensors", new byte[8]);

        assertThatThrownBy(() -> ServedDecoders.open(pkg, DecoderOptions.cpu(1)))
                .isInstanceOf(ModelNotReadyException.class).hasMessageContaining(".llm-platform/onnx-int8/model.onnx");
    }

    private static OnnxMl.ValueInfoProto tensor(String name, DataType type, String... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (String dim : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(dim));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
