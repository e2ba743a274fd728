package dev.llmplatform.onnx;

import java.util.Locale;

/**
 * The two shapes the decoder graph is written in. Both take the same weights and give the same logits
 * (within float rounding); they differ in how attention and the KV cache are expressed.
 *
 * <ul>
 *   <li>{@link #PLAIN}: opset 17 primitives only (portable to any ONNX runtime, and the oracle). The past
 *       comes in as {@code past_key_values.*} of the past's length and leaves concatenated with the new
 *       positions as {@code present.*}, so each step copies every sequence's whole past.</li>
 *   <li>{@link #FUSED}: ONNX Runtime's contrib operators as ONNX Runtime GenAI's model builder emits them
 *       for CPU ({@code com.microsoft::GroupQueryAttention} with rotary inside,
 *       {@code SimplifiedLayerNormalization} / {@code SkipSimplifiedLayerNormalization} or
 *       {@code SkipLayerNormalization}). Past and present are one buffer per layer of a fixed length,
 *       passed as both input and output: the kernel writes the new keys and values in place at each
 *       row's own length ({@code seqlens_k}) and copies nothing else. Runs only in ONNX Runtime.</li>
 * </ul>
 */
public enum GraphForm {
    PLAIN, FUSED;

    /** The ONNX metadata key that records the form in the graph. */
    public static final String METADATA_KEY = "graph_form";

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code plain} or {@code fused} */
    public static GraphForm parse(String label) {
        return switch (label == null ? "" : label.toLowerCase(Locale.ROOT)) {
            case "plain" -> PLAIN;
            case "fused" -> FUSED;
            default -> throw new IllegalArgumentException("graph form '" + label + "' is not one of plain, fused");
        };
    }
}
