package dev.llmplatform.gateway.error;

import dev.llmplatform.contracts.ErrorInfo;

import java.util.Map;

/**
 * An error to answer the client with, in OpenAI's shape and with its HTTP status, plus any headers
 * the answer needs (e.g. {@code Retry-After} on a 429 or 503).
 */
public class ApiException extends RuntimeException {

    private final ErrorInfo error;
    private final Map<String, String> headers;

    public ApiException(ErrorInfo error) {
        this(error, Map.of());
    }

    public ApiException(ErrorInfo error, Map<String, String> headers) {
        super(error.message());
        this.error = error;
        this.headers = Map.copyOf(headers);
    }

    public ErrorInfo error() {
        return error;
    }

    /** Headers to set on the error response. */
    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException invalid(String param, String message) {
        return new ApiException(ErrorInfo.invalidRequest(message, param));
    }

    /** 503 while a model is being converted; clients retry after a while, as for an overloaded server. */
    public static ApiException modelNotReady(String model, Double progress) {
        String done = progress == null ? "" : " (" + Math.round(progress * 100) + "% done)";
        return new ApiException(new ErrorInfo(503, "server_error", "The model '" + model
                + "' is being converted and is not ready yet" + done + ". Please try again later.", "model",
                "model_not_ready"), Map.of("Retry-After", "10"));
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(ErrorInfo.notFound("The model '" + model + "' does not exist", "model"));
    }
}
