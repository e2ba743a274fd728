package dev.llmplatform.gateway.error;

import dev.llmplatform.contracts.ErrorInfo;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;

import java.util.stream.Collectors;

/** Turns any failure of a request into the OpenAI error it is answered with. */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static ErrorInfo from(Throwable failure, String method, String path) {
        return switch (failure) {
            case ApiException api -> api.error();
            case DataBufferLimitException ignored -> bodyTooLarge(null, -1);
            case ServerWebInputException input -> fromBadInput(input);
            case UnsupportedMediaTypeStatusException media -> new ErrorInfo(415, "invalid_request_error",
                    (media.getContentType() == null ? "Missing Content-Type" : "Unsupported Content-Type "
                            + media.getContentType()) + ": send application/json", null, null);
            case MethodNotAllowedException notAllowed -> new ErrorInfo(405, "invalid_request_error",
                    "Method " + method + " is not allowed on " + path + "; allowed: "
                            + notAllowed.getSupportedMethods().stream().map(Object::toString).sorted()
                            .collect(Collectors.joining(", ")), null, null);
            case NotAcceptableStatusException ignored -> new ErrorInfo(406, "invalid_request_error",
                    "Cannot produce a response of the requested media type", null, null);
            case ResponseStatusException status when status.getStatusCode().value() == 404 ->
                    new ErrorInfo(404, "invalid_request_error", "Invalid URL (" + method + " " + path + ")", null, null);
            case ResponseStatusException status -> byStatus(status.getStatusCode().value(), status.getReason());
            default -> ErrorInfo.internal("The server had an error while processing your request");
        };
    }

    /** 413; the sizes are left out of the message when unknown (null, or a negative limit). */
    public static ErrorInfo bodyTooLarge(Long size, long limit) {
        String message = "The request body is too large"
                + (size != null ? " (" + size + " bytes)" : "")
                + (limit >= 0 ? "; the limit is " + limit + " bytes" : "");
        return new ErrorInfo(413, "invalid_request_error", message, null, null);
    }

    private static ErrorInfo fromBadInput(ServerWebInputException input) {
        if (findCause(input, DataBufferLimitException.class) != null) {
            return bodyTooLarge(null, -1);
        }
        JacksonException json = findCause(input, JacksonException.class);
        // A number too large for its field is well-formed JSON with a bad value: name the field.
        if (json instanceof StreamReadException parse && !(json instanceof InputCoercionException)) {
            return ErrorInfo.invalidRequest("The request body is not valid JSON: " + parse.getOriginalMessage(), null);
        }
        if (json != null) {
            String param = jsonPath(json);
            return ErrorInfo.invalidRequest(param == null
                    ? "The request body does not match the expected schema: " + json.getOriginalMessage()
                    : "Invalid type or value for '" + param + "'", param);
        }
        String reason = input.getReason() == null ? "Invalid request" : input.getReason();
        if (reason.contains("body")) {
            return ErrorInfo.invalidRequest("The request needs a JSON body", null);
        }
        return ErrorInfo.invalidRequest(reason, null);
    }

    private static ErrorInfo byStatus(int status, String reason) {
        String message = reason != null ? reason : HttpStatus.valueOf(status).getReasonPhrase();
        return status >= 500 ? new ErrorInfo(status, "server_error", message, null, null)
                : new ErrorInfo(status, "invalid_request_error", message, null, null);
    }

    /** The dotted path of the offending JSON field, e.g. {@code stop} or {@code stream_options.include_usage}. */
    private static String jsonPath(JacksonException e) {
        String path = e.getPath().stream()
                .map(JacksonException.Reference::getPropertyName)
                .filter(name -> name != null)
                .collect(Collectors.joining("."));
        return path.isEmpty() ? null : path;
    }

    private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
