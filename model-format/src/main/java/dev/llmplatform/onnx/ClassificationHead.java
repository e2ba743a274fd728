package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.List;

/**
 * Turns an encoder graph (a BERT-style {@code last_hidden_state [batch, seq, hidden]} output) into a one-label
 * sequence classifier, the graph shape of a cross-encoder export ({@code BertForSequenceClassification} with
 * {@code num_labels: 1}): {@code logits = h[:, 0, :] · w + b}, the hidden state at the [CLS] position through
 * a linear head, as the only output {@code logits [batch, 1]}. Hugging Face's BERT head has a tanh pooler
 * before the classifier; this head is linear on [CLS], so its value can be recomputed exactly from the
 * encoder's own hidden state.
 */
public final class ClassificationHead {

    public static final String LOGITS = "logits";
    private static final String PREFIX = "classifier.";

    private ClassificationHead() {
    }

    /**
     * @param encoder the encoder graph; its {@code hiddenOutput} must be {@code [batch, seq, weight.length]}
     * @param weight  the head's weights, one per hidden unit
     * @param bias    the head's bias
     */
    public static ModelProto add(ModelProto encoder, String hiddenOutput, float[] weight, float bias) {
        OnnxMl.GraphProto graph = encoder.getGraph();
        boolean produced = graph.getNodeList().stream().anyMatch(n -> n.getOutputList().contains(hiddenOutput));
        if (!produced) {
            throw new IllegalArgumentException("no node of the graph produces '" + hiddenOutput + "'");
        }
        String index = PREFIX + "cls_index";
        String w = PREFIX + "weight";
        String b = PREFIX + "bias";
        String cls = PREFIX + "cls";
        String projected = PREFIX + "projected";
        OnnxMl.GraphProto.Builder edited = graph.toBuilder()
                .addInitializer(TensorProto.newBuilder().setName(index).setDataType(TensorProto.DataType.INT64_VALUE)
                        .addInt64Data(0))
                .addInitializer(TensorProto.newBuilder().setName(w).setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(weight.length).addDims(1).addAllFloatData(floats(weight)))
                .addInitializer(TensorProto.newBuilder().setName(b).setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(1).addFloatData(bias))
                .addNode(node("Gather", List.of(hiddenOutput, index), cls)
                        .addAttribute(OnnxGraphBuilder.attr("axis", 1L)))
                .addNode(node("MatMul", List.of(cls, w), projected))
                .addNode(node("Add", List.of(projected, b), LOGITS))
                .clearOutput()
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(LOGITS).setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch_size"))
                                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))))));
        return encoder.toBuilder().setGraph(edited).build();
    }

    private static NodeProto.Builder node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(PREFIX + op).addAllInput(inputs).addOutput(output);
    }

    private static List<Float> floats(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return List.of(boxed);
    }
}
