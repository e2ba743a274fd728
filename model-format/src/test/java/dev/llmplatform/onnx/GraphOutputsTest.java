package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.onnx.OnnxGraphBuilder.Dim;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GraphOutputsTest {

    /** x → Softmax → ·2 → Softmax → y: two "layers" whose probabilities only exist inside the graph. */
    private static OnnxMl.ModelProto twoSoftmaxGraph() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("two-softmax");
        String x = g.input("x", DataType.FLOAT, Dim.of(1), Dim.of(3));
        String p0 = g.node("Softmax", "layer0/probs", List.of(x), OnnxGraphBuilder.attr("axis", -1L));
        String doubled = g.node("Mul", "doubled", List.of(p0, g.floatScalar("two", 2f)));
        g.node("Softmax", "layer1/probs", List.of(doubled), OnnxGraphBuilder.attr("axis", -1L));
        g.node("Identity", "y", List.of("layer1/probs"));
        g.output("y", DataType.FLOAT, Dim.of(1), Dim.of(3));
        return g.build("test", "1", List.of(new OnnxGraphBuilder.Opset("", 17)), Map.of());
    }

    @Test
    void shouldListSoftmaxOutputsInGraphOrder() {
        assertThat(GraphOutputs.nodeOutputs(twoSoftmaxGraph(), "Softmax")).containsExactly("layer0/probs", "layer1/probs");
        assertThat(GraphOutputs.nodeOutputs(twoSoftmaxGraph(), "Gelu")).isEmpty();
    }

    @Test
    void shouldHandBackInnerValuesOnceTheyAreGraphOutputs() throws Exception {
        OnnxMl.ModelProto model = twoSoftmaxGraph();
        List<String> probs = GraphOutputs.nodeOutputs(model, "Softmax");
        OnnxMl.ModelProto augmented = GraphOutputs.withOutputs(model, probs, DataType.FLOAT);

        assertThat(augmented.getGraph().getOutputList()).extracting(OnnxMl.ValueInfoProto::getName)
                .containsExactly("y", "layer0/probs", "layer1/probs");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(augmented.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {{0f, 1f, 2f}});
             OrtSession.Result result = session.run(Map.of("x", input))) {
            float[] p0 = ((float[][]) result.get("layer0/probs").orElseThrow().getValue())[0];
            float[] y = ((float[][]) result.get("y").orElseThrow().getValue())[0];
            double z = 1 + Math.E + Math.E * Math.E;
            assertThat(p0[0]).isCloseTo((float) (1 / z), within(1e-6f));
            assertThat(p0[2]).isCloseTo((float) (Math.E * Math.E / z), within(1e-6f));
            // the original output is unchanged by exposing the inner ones
            assertThat(((float[][]) result.get("layer1/probs").orElseThrow().getValue())[0]).containsExactly(y);
        }
    }

    @Test
    void shouldSkipExistingOutputsAndRefuseNamesNoNodeProduces() {
        OnnxMl.ModelProto model = twoSoftmaxGraph();

        assertThat(GraphOutputs.withOutputs(model, List.of("y", "layer0/probs"), DataType.FLOAT).getGraph()
                .getOutputList()).extracting(OnnxMl.ValueInfoProto::getName).containsExactly("y", "layer0/probs");
        assertThatThrownBy(() -> GraphOutputs.withOutputs(model, List.of("x", "nope"), DataType.FLOAT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
    }
}
