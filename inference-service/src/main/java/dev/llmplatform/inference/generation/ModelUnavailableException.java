package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.ErrorInfo;

/** A request names a model this instance cannot serve: unknown (404), not a decoder (400), or broken (500). */
public final class ModelUnavailableException extends RuntimeException {

    private final transient ErrorInfo error;

    public ModelUnavailableException(ErrorInfo error, Throwable cause) {
        super(error.message(), cause);
        this.error = error;
    }

    public ErrorInfo error() {
        return error;
    }
}
