package dev.llmplatform.gateway.error;

import dev.llmplatform.contracts.ErrorInfo;

/**
 * The error body of routes that speak another API than OpenAI's (Anthropic's Messages): a bean of this
 * type that {@link #handles} a path writes the errors of requests to it, in place of {@link ApiErrorBody},
 * with the same HTTP status and headers.
 */
public interface RouteErrorBody {

    /** @param path the request path within the application, e.g. {@code /v1/messages} */
    boolean handles(String path);

    /** The JSON body of {@code error}. */
    Object body(ErrorInfo error);
}
