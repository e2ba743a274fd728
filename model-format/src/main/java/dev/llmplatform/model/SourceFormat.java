package dev.llmplatform.model;

/** What a model version folder holds, as the user (or training) put it there. */
public enum SourceFormat {
    /** A package this platform wrote: {@code manifest.json} beside {@code model.onnx}. */
    PLATFORM,
    /** An ONNX export as {@code optimum-cli export onnx} or onnx-community write it. */
    ONNX,
    /** A Hugging Face checkpoint: {@code model.safetensors} or shards with {@code model.safetensors.index.json}. */
    SAFETENSORS;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
