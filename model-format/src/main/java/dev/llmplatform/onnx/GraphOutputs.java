package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Exposes intermediate values of an existing ONNX graph as extra graph outputs, so ONNX Runtime
 * hands them back (it returns graph outputs only). Used to read the attention probabilities of an
 * encoder exported without them: the outputs of its per-layer {@code Softmax} nodes.
 */
public final class GraphOutputs {

    private GraphOutputs() {
    }

    public static ModelProto read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return ModelProto.parseFrom(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model " + file, e);
        }
    }

    /**
     * The first output of every top-level node of the given operator type, in graph order. ONNX
     * keeps nodes topologically sorted, so for a stack of layers this is layer 0 first.
     */
    public static List<String> nodeOutputs(ModelProto model, String opType) {
        List<String> outputs = new ArrayList<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            if (opType.equals(node.getOpType()) && node.getOutputCount() > 0) {
                outputs.add(node.getOutput(0));
            }
        }
        return outputs;
    }

    /**
     * A copy of {@code model} that also outputs the named values, after its own outputs and in the
     * order given. Their shape is left for the runtime to infer. Names that are outputs already are
     * skipped; a name no node produces is an error.
     */
    public static ModelProto withOutputs(ModelProto model, List<String> names, TensorProto.DataType type) {
        Set<String> produced = new HashSet<>();
        model.getGraph().getNodeList().forEach(node -> produced.addAll(node.getOutputList()));
        Set<String> existing = new HashSet<>();
        model.getGraph().getOutputList().forEach(output -> existing.add(output.getName()));
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        for (String name : names) {
            if (!produced.contains(name)) {
                throw new IllegalArgumentException("no node of the graph produces '" + name + "'");
            }
            if (existing.add(name)) {
                graph.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name)
                        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()))));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }
}
