package dev.llmplatform.training.registry;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import dev.llmplatform.model.ModelKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each kind's graph is checked for what the platform feeds it and reads from it, with messages naming the gap. */
class GraphChecksTest {

    private static final List<String> ENCODER_INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");

    @Test
    void shouldPassEncodersWithOrWithoutTokenTypesAndRefuseOneWithoutAttentionMask() {
        assertThatCode(() -> GraphChecks.check("model.onnx", graph(ENCODER_INPUTS, "last_hidden_state"), ModelKind.ENCODER))
                .doesNotThrowAnyException();
        assertThatCode(() -> GraphChecks.check("model.onnx", graph(List.of("input_ids", "attention_mask"),
                "last_hidden_state"), ModelKind.ENCODER)).doesNotThrowAnyException();
        assertThatThrownBy(() -> GraphChecks.check("model.onnx", graph(List.of("input_ids"), "last_hidden_state"),
                ModelKind.ENCODER)).hasMessageContaining("no input 'attention_mask'");
    }

    @Test
    void shouldPassACrossEncoderWithOneLogitPerPairOnly() {
        assertThatCode(() -> GraphChecks.check("model.onnx", graph(ENCODER_INPUTS, "logits", dim("batch_size"), dim(1)),
                ModelKind.CROSS_ENCODER)).doesNotThrowAnyException();
        assertThatThrownBy(() -> GraphChecks.check("model.onnx", graph(ENCODER_INPUTS, "logits", dim("batch_size"), dim(2)),
                ModelKind.CROSS_ENCODER)).hasMessageContaining("[batch_size, 2]").hasMessageContaining("one label");
        assertThatThrownBy(() -> GraphChecks.check("onnx/model.onnx", graph(ENCODER_INPUTS, "last_hidden_state"),
                ModelKind.CROSS_ENCODER)).hasMessageContaining("onnx/model.onnx has no output 'logits'");
    }

    @Test
    void shouldStillAskADecoderForPastKeyValues() {
        assertThatThrownBy(() -> GraphChecks.check("model.onnx", graph(List.of("input_ids", "attention_mask"), "logits"),
                ModelKind.DECODER)).hasMessageContaining("past_key_values");
        assertThatCode(() -> GraphChecks.check("model.onnx", graph(List.of("input_ids", "attention_mask",
                "past_key_values.0.key", "past_key_values.0.value"), "logits"), ModelKind.DECODER)).doesNotThrowAnyException();
    }

    private static OnnxMl.ModelProto graph(List<String> inputs, String output, Dimension... dims) {
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
        inputs.forEach(name -> graph.addInput(OnnxMl.ValueInfoProto.newBuilder().setName(name)));
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Dimension d : dims) {
            shape.addDim(d);
        }
        OnnxMl.TypeProto.Tensor.Builder tensor = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1);
        if (dims.length > 0) {
            tensor.setShape(shape);
        }
        graph.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(output)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor)));
        return OnnxMl.ModelProto.newBuilder().setGraph(graph).build();
    }

    private static Dimension dim(String param) {
        return Dimension.newBuilder().setDimParam(param).build();
    }

    private static Dimension dim(long value) {
        return Dimension.newBuilder().setDimValue(value).build();
    }
}
