package dev.llmplatform.convert;

/**
 * A checkpoint the converter refuses or cannot read. The message is meant for the user as it is:
 * it names the file (or {@code config.json} field), the tensor and the problem, e.g.
 * {@code config.json: rope_scaling.rope_type 'yarn' is not supported (supported: llama3, linear, default)}.
 */
public class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
