package dev.llmplatform.model;

/**
 * A model version is in the store but has no graph to serve yet: a safetensors checkpoint whose
 * conversion to ONNX has not been written (see {@link ModelLayout#convertedDir}). Serving it later
 * may succeed; the request that met it should be told so (503), not that the model is unknown.
 */
public final class ModelNotReadyException extends IllegalStateException {

    public ModelNotReadyException(String message) {
        super(message);
    }
}
