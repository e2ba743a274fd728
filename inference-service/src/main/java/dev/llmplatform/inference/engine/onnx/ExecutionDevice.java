package dev.llmplatform.inference.engine.onnx;

import java.util.Locale;

/** Where ONNX Runtime runs the graph: {@code cpu}, {@code cuda}, or {@code auto} (CUDA when it works, else CPU). */
public enum ExecutionDevice {
    CPU, CUDA, AUTO;

    public static ExecutionDevice parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device must be cpu, cuda or auto, not '" + value + "'");
        }
    }
}
