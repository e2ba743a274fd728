package dev.llmplatform.gateway.error;

import dev.llmplatform.contracts.ErrorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

/**
 * Answers every failed request (our own validation, the framework's 400/404/405/415, a generation
 * that failed before its first byte went out) with OpenAI's error body, or with the body of a
 * {@link RouteErrorBody} that handles the path. It replaces Spring Boot's default error handler and
 * runs before WebFlux's own status handler.
 */
@Component
@Order(-2)
public class ApiErrorWebExceptionHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorWebExceptionHandler.class);

    private final JsonMapper json;
    private final List<RouteErrorBody> routeBodies;

    public ApiErrorWebExceptionHandler(JsonMapper json, ObjectProvider<RouteErrorBody> routeBodies) {
        this.json = json;
        this.routeBodies = routeBodies.orderedStream().toList();
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        var request = exchange.getRequest();
        ErrorInfo error = ApiErrors.from(failure, request.getMethod().name(), request.getPath().value());
        if (error.status() >= 500 && !(failure instanceof ApiException)) {
            log.error("{} {} failed: {}", request.getMethod(), request.getPath(), error.message(), failure);
        } else if (error.status() >= 500) {
            log.warn("{} {} failed: {} {}", request.getMethod(), request.getPath(), error.status(), error.message());
        } else {
            log.debug("{} {} rejected: {} {}", request.getMethod(), request.getPath(), error.status(), error.message());
        }
        response.setStatusCode(HttpStatusCode.valueOf(error.status()));
        if (failure instanceof ErrorResponse framework) {
            // e.g. Allow on 405, Accept on 415
            framework.getHeaders().forEach((name, values) -> response.getHeaders().put(name, values));
        }
        if (failure instanceof ApiException api) {
            api.headers().forEach(response.getHeaders()::set);
        }
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = json.writeValueAsBytes(bodyOf(error, request.getPath().pathWithinApplication().value()));
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private Object bodyOf(ErrorInfo error, String path) {
        for (RouteErrorBody route : routeBodies) {
            if (route.handles(path)) {
                return route.body(error);
            }
        }
        return ApiErrorBody.of(error);
    }
}
