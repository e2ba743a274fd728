package dev.llmplatform.contracts;

/**
 * An error in OpenAI's shape, carried over Kafka so the gateway can answer the client with it.
 *
 * @param status HTTP status the gateway should use (400 for bad input, 404 unknown model, 500 engine failure)
 */
public record ErrorInfo(int status, String type, String message, String param, String code) {

    /** Longest message kept: one that quotes a huge input is cut, so an error never grows with the request. */
    public static final int MAX_MESSAGE_LENGTH = 1000;
    /** Longest param kept (an unknown field's name is the client's to choose). */
    public static final int MAX_PARAM_LENGTH = 200;

    public ErrorInfo {
        message = cut(message, MAX_MESSAGE_LENGTH);
        param = cut(param, MAX_PARAM_LENGTH);
    }

    /** The text, or its first {@code max} characters and an ellipsis; never half of a surrogate pair. */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "…";
    }

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
