package dev.llmplatform.gateway.security;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.error.ApiException;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Names the client of every request ({@link ClientIdentity}) and, when {@code llm.gateway.security.enabled},
 * refuses {@code /v1/**} without a valid {@code Authorization: Bearer <key>} with OpenAI's 401. Anthropic's
 * Messages routes ({@value #ANTHROPIC_ROUTES}…) also take the key in its {@value #X_API_KEY} header, as
 * Anthropic's clients send it. {@link #ADMIN_ROUTES} need a key of {@code admin-key-hashes} (a 403 for an
 * inference key). Everything else (health, the playground, the OpenAPI document) stays open. Keys are
 * compared by their SHA-256 in constant time ({@link ApiKeys}) and never logged.
 */
@Component
public class ApiKeyFilter implements WebFilter, Ordered {

    /** After CORS (so a preflight, which carries no key, is answered) and before every limit. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    /** Anthropic's key header. */
    public static final String X_API_KEY = "x-api-key";
    /** The path prefix of Anthropic's Messages API, whose clients send {@value #X_API_KEY}. */
    public static final String ANTHROPIC_ROUTES = "/v1/messages";

    private static final String BEARER = "Bearer ";

    /** Routes that need the admin scope: training jobs (which also publish models). */
    public static final List<String> ADMIN_ROUTES = List.of("/v1/training");

    private final boolean enabled;
    private final ApiKeys keys;
    private final ApiKeys adminKeys;

    public ApiKeyFilter(GatewayProperties properties) {
        this.enabled = properties.security().enabled();
        List<String> all = new ArrayList<>(properties.security().apiKeyHashes());
        all.addAll(properties.security().adminKeyHashes());
        this.keys = new ApiKeys(all);
        this.adminKeys = new ApiKeys(properties.security().adminKeyHashes());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ClientIdentity identity;
        if (enabled && isApi(exchange) && !CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            String apiKeyHeader = isAnthropic(exchange) ? exchange.getRequest().getHeaders().getFirst(X_API_KEY) : null;
            String key;
            if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
                key = apiKeyHeader.strip();
            } else if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    || header.substring(BEARER.length()).isBlank()) {
                return Mono.error(unauthorized("You didn't provide an API key. You need to provide your API key in"
                        + " an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)"
                        + (isAnthropic(exchange) ? " or in an " + X_API_KEY + " header" : "")));
            } else {
                key = header.substring(BEARER.length()).strip();
            }
            String hash = keys.match(key);
            if (hash == null) {
                return Mono.error(unauthorized("Incorrect API key provided: " + ApiKeys.mask(key)));
            }
            if (isAdmin(exchange) && adminKeys.match(key) == null) {
                return Mono.error(new ApiException(new ErrorInfo(403, "invalid_request_error", "This API key does not"
                        + " have the admin scope that " + exchange.getRequest().getPath().value() + " needs (training and"
                        + " model management); use a key of llm.gateway.security.admin-key-hashes", null, "insufficient_scope")));
            }
            identity = ClientIdentity.ofKeyHash(hash);
        } else {
            identity = ClientIdentity.ofAddress(exchange);
        }
        exchange.getAttributes().put(ClientIdentity.ATTRIBUTE, identity);
        return chain.filter(exchange).contextWrite(context -> context.put(ClientIdentity.class, identity));
    }

    static boolean isApi(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        return path.equals("/v1") || path.startsWith("/v1/");
    }

    private static boolean isAdmin(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        return ADMIN_ROUTES.stream().anyMatch(route -> path.equals(route) || path.startsWith(route + "/"));
    }

    private static boolean isAnthropic(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        return path.equals(ANTHROPIC_ROUTES) || path.startsWith(ANTHROPIC_ROUTES + "/");
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(new ErrorInfo(401, "invalid_request_error", message, null, "invalid_api_key"),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer"));
    }
}
