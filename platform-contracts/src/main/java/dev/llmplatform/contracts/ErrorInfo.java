package dev.llmplatform.contracts;

/**
 * An error in OpenAI's shape, carried over Kafka so the gateway can answer the client with it.
 *
 * @param status HTTP status the gateway should use (400 for bad input, 404 unknown model, 500 engine failure)
 */
public record ErrorInfo(int status, String type, String message, String param, String code) {

    public static ErrorInfo invalidRequest(String message, String param) {
        return new ErrorInfo(400, "invalid_request_error", message, param, null);
    }

    public static ErrorInfo notFound(String message, String param) {
        return new ErrorInfo(404, "invalid_request_error", message, param, "model_not_found");
    }

    public static ErrorInfo internal(String message) {
        return new ErrorInfo(500, "server_error", message, null, null);
    }
}
