package dev.llmplatform.convert;

import dev.llmplatform.model.ModelSettings;
import dev.llmplatform.onnx.WeightQuantization;

import java.util.Locale;

/**
 * How the converted graph stores its linear weights: float32, or block-quantized int8/int4 with
 * ONNX Runtime's {@code MatMulNBits} ({@link WeightQuantization#of}: block 128, symmetric, LM head
 * in the same format, int8 activations on CPU; a tied embedding is stored once, as the quantized head, and
 * gathered from it). Norms, and an untied model's input embedding, stay float32 in every format.
 */
public enum WeightFormat {
    FP32, INT8, INT4;

    public WeightQuantization quantization() {
        return switch (this) {
            case FP32 -> WeightQuantization.NONE;
            case INT8 -> WeightQuantization.of(WeightQuantization.Format.INT8);
            case INT4 -> WeightQuantization.of(WeightQuantization.Format.INT4);
        };
    }

    /** This format's quantization with the choices of a folder's {@code llm-platform.json} (null: the defaults). */
    public WeightQuantization quantization(ModelSettings.Quantization choices) {
        WeightQuantization q = quantization();
        if (choices == null || !q.quantized()) {
            return q;
        }
        if (choices.blockSize() != null) {
            q = q.withBlockSize(choices.blockSize());
        }
        if (choices.lmHead() != null) {
            q = q.withLmHead(parse(choices.lmHead()).quantization().format());
        }
        if (choices.zeroPoints() != null) {
            q = q.withSymmetric(!choices.zeroPoints());
        }
        return q;
    }

    /** "fp32", "int8" or "int4" (case-insensitive). */
    public static WeightFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weight format '" + name + "' is not one of fp32, int8, int4", e);
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
