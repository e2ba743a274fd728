package dev.llmplatform.gateway.error;

import dev.llmplatform.contracts.ErrorInfo;

/** An error to answer the client with, in OpenAI's shape and with its HTTP status. */
public class ApiException extends RuntimeException {

    private final ErrorInfo error;

    public ApiException(ErrorInfo error) {
        super(error.message());
        this.error = error;
    }

    public ErrorInfo error() {
        return error;
    }

    public static ApiException invalid(String param, String message) {
        return new ApiException(ErrorInfo.invalidRequest(message, param));
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(ErrorInfo.notFound("The model '" + model + "' does not exist", "model"));
    }
}
