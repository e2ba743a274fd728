package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.onnx.OnnxGraphBuilder.Dim;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxGraphBuilderTest {

    @Test
    void shouldWriteInitializersAsLittleEndianRawData() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("affine");
        String x = g.input("x", DataType.FLOAT, Dim.named("batch_size"), Dim.of(2));
        String w = g.floatInitializer("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        g.node("MatMul", "y", List.of(x, w));
        g.output("y", DataType.FLOAT, Dim.named("batch_size"), Dim.of(3));
        OnnxMl.ModelProto model = g.build("test", "1", List.of(new OnnxGraphBuilder.Opset("", 17)), Map.of("k", "v"));

        OnnxMl.TensorProto stored = model.getGraph().getInitializer(0);
        ByteBuffer raw = stored.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(raw.getFloat(4 * 5)).isEqualTo(6f);
        assertThat(stored.getDimsList()).containsExactly(2L, 3L);
        assertThat(model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam())
                .isEqualTo("batch_size");

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {{1, 1}, {0, 2}});
             OrtSession.Result result = session.run(Map.of("x", input))) {
            // [1,1]·W = [5,7,9]; [0,2]·W = [8,10,12]
            assertThat((float[][]) result.get(0).getValue()).isDeepEqualTo(new float[][] {{5, 7, 9}, {8, 10, 12}});
            assertThat(session.getMetadata().getCustomMetadata()).containsEntry("k", "v");
        }
    }

    @Test
    void shouldRejectUndefinedInputsAndDuplicateNames() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("broken");
        g.input("x", DataType.FLOAT, Dim.of(1));

        assertThatThrownBy(() -> g.node("Relu", "y", List.of("typo")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("typo");
        assertThatThrownBy(() -> g.floatScalar("x", 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defined twice");
        assertThatThrownBy(() -> g.output("nothing", DataType.FLOAT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectDimsThatDoNotMatchTheData() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("broken");

        assertThatThrownBy(() -> g.floatInitializer("w", new float[6], 4, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 elements, got 6");
    }

    @Test
    void shouldWriteNodesOfOtherDomainsWithTheirOpsetImport() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("quantised");
        g.input("a", DataType.FLOAT, Dim.of(4));
        g.node("com.microsoft", "FastGelu", List.of("b"), List.of("a"));
        g.output("b", DataType.FLOAT, Dim.of(4));
        OnnxMl.ModelProto model = g.build("test", "1",
                List.of(new OnnxGraphBuilder.Opset("", 17), new OnnxGraphBuilder.Opset("com.microsoft", 1)), Map.of());

        assertThat(model.getGraph().getNode(0).getDomain()).isEqualTo("com.microsoft");
        assertThat(model.getOpsetImportList()).extracting(OnnxMl.OperatorSetIdProto::getDomain)
                .containsExactly("", "com.microsoft");
    }
}
