package dev.llmplatform.training.registry;

import ai.onnx.proto.OnnxMl;
import dev.llmplatform.model.ModelKind;

import java.util.List;
import java.util.Optional;

/**
 * What a graph of each model kind must have for the platform to run it, checked before a folder is announced,
 * so a wrong export fails with a message naming what is missing rather than at the first request:
 * <ul>
 *   <li>decoder: {@code input_ids} and {@code past_key_values.*} inputs (an export with past);</li>
 *   <li>encoder: {@code input_ids} and {@code attention_mask} inputs ({@code token_type_ids} optional);</li>
 *   <li>cross-encoder: as an encoder, and an output {@code logits} of shape {@code [batch, 1]} (one label).</li>
 * </ul>
 */
final class GraphChecks {

    private GraphChecks() {
    }

    static void check(String file, OnnxMl.ModelProto model, String kind) {
        List<String> inputs = model.getGraph().getInputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
        if (!inputs.contains("input_ids")) {
            throw new IllegalArgumentException(file + " has no input 'input_ids'");
        }
        switch (kind) {
            case ModelKind.DECODER -> {
                if (!inputs.contains("past_key_values.0.key")) {
                    throw new IllegalArgumentException(file + " has no past_key_values inputs: export it with past "
                            + "(optimum-cli export onnx --task text-generation-with-past)");
                }
            }
            case ModelKind.ENCODER -> requireMask(file, inputs, kind);
            case ModelKind.CROSS_ENCODER -> {
                requireMask(file, inputs, kind);
                checkLogits(file, model);
            }
            default -> throw new IllegalArgumentException("models of kind '" + kind + "' are not served");
        }
    }

    private static void requireMask(String file, List<String> inputs, String kind) {
        if (!inputs.contains("attention_mask")) {
            throw new IllegalArgumentException(file + " has no input 'attention_mask', which an " + kind
                    + " needs (inputs " + inputs + ")");
        }
    }

    /** An output {@code logits} whose last dimension, when the graph states it, is 1. */
    private static void checkLogits(String file, OnnxMl.ModelProto model) {
        Optional<OnnxMl.ValueInfoProto> logits = model.getGraph().getOutputList().stream()
                .filter(o -> o.getName().equals("logits")).findFirst();
        if (logits.isEmpty()) {
            throw new IllegalArgumentException(file + " has no output 'logits': a cross-encoder's graph outputs one "
                    + "relevance logit per pair (optimum-cli export onnx --task text-classification)");
        }
        OnnxMl.TensorShapeProto shape = logits.get().getType().getTensorType().getShape();
        if (shape.getDimCount() == 0) {
            return;   // not stated: checked when it runs
        }
        OnnxMl.TensorShapeProto.Dimension last = shape.getDim(shape.getDimCount() - 1);
        if (shape.getDimCount() != 2 || last.hasDimValue() && last.getDimValue() != 1) {
            throw new IllegalArgumentException(file + "'s output 'logits' is " + describe(shape)
                    + ": a cross-encoder has one label, [batch, 1]");
        }
    }

    private static String describe(OnnxMl.TensorShapeProto shape) {
        return shape.getDimList().stream().map(d -> d.hasDimValue() ? String.valueOf(d.getDimValue())
                : d.getDimParam().isEmpty() ? "?" : d.getDimParam()).toList().toString();
    }
}
