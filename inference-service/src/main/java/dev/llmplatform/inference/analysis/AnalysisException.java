package dev.llmplatform.inference.analysis;

import dev.llmplatform.contracts.ErrorInfo;

/** An analysis request that cannot be served, with the error to answer it with. */
public final class AnalysisException extends RuntimeException {

    private final transient ErrorInfo error;

    public AnalysisException(ErrorInfo error, Throwable cause) {
        super(error.message(), cause);
        this.error = error;
    }

    public ErrorInfo error() {
        return error;
    }
}
