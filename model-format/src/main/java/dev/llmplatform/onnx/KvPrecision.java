package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.Locale;

/**
 * The element type of the fused form's KV buffers. ONNX Runtime's {@code GroupQueryAttention} has one type
 * parameter for query, past and present, so a float16 cache means the attention op itself runs in float16:
 * the packed q|k|v is cast to float16 before it (and the rotary tables are float16), its output back to
 * float32 before {@code o_proj}. The weights and every other op stay as they are.
 *
 * <p>int8 is not offered: ONNX Runtime 1.28's CPU {@code GroupQueryAttention} is registered for float and
 * float16 only and has no quantized past (no scale inputs); a "int8 cache" would have to be dequantized to
 * float16/float32 around the kernel every step, which is a copy of the whole past, i.e. what the fused form
 * exists to avoid. {@link #parse} refuses it by name.
 */
public enum KvPrecision {
    FP32(4, DataType.FLOAT), FP16(2, DataType.FLOAT16);

    /** The ONNX metadata key that records the precision in the graph. */
    public static final String METADATA_KEY = "kv_precision";

    private final int bytes;
    private final DataType type;

    KvPrecision(int bytes, DataType type) {
        this.bytes = bytes;
        this.type = type;
    }

    /** Bytes of one cached element. */
    public int bytes() {
        return bytes;
    }

    DataType onnxType() {
        return type;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code fp32} or {@code fp16}, saying why int8 is not */
    public static KvPrecision parse(String label) {
        String l = label == null ? "" : label.toLowerCase(Locale.ROOT);
        return switch (l) {
            case "fp32", "float32" -> FP32;
            case "fp16", "float16" -> FP16;
            case "int8" -> throw new IllegalArgumentException("kv_precision 'int8' is not supported: ONNX Runtime's CPU "
                    + "GroupQueryAttention takes float or float16 past/present only (no quantized KV cache); use fp32 or fp16");
            default -> throw new IllegalArgumentException("kv_precision '" + label + "' is not one of fp32, fp16");
        };
    }
}
