package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.gateway.error.RouteErrorBody;
import dev.llmplatform.gateway.messages.MessagesProtocol.ErrorResponse;
import dev.llmplatform.gateway.security.ApiKeyFilter;
import org.springframework.stereotype.Component;

/**
 * Errors of the Messages routes in Anthropic's shape, {@code {"type":"error","error":{"type","message"}}},
 * with the HTTP status the platform answers any API with: the type follows the status as Anthropic's
 * does, and a message whose error names a field starts with it ({@code max_tokens: Field required}),
 * Anthropic's body having no {@code param}. A busy or converting model stays a 503 with
 * {@code Retry-After} (Anthropic's own overload status is 529; clients retry both).
 */
@Component
public class AnthropicErrors implements RouteErrorBody {

    @Override
    public boolean handles(String path) {
        return path.equals(ApiKeyFilter.ANTHROPIC_ROUTES) || path.startsWith(ApiKeyFilter.ANTHROPIC_ROUTES + "/");
    }

    @Override
    public ErrorResponse body(ErrorInfo error) {
        return ErrorResponse.of(type(error.status()), message(error));
    }

    /** Anthropic's error type for an HTTP status. */
    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    private static String message(ErrorInfo error) {
        String message = error.message() == null ? "" : error.message();
        String field = error.param();
        return field == null || field.isEmpty() || message.startsWith(field) ? message : field + ": " + message;
    }
}
