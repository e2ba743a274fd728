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

import java.util.Map;

/**
 * Names the client of every request ({@link ClientIdentity}) and, when {@code llm.gateway.security.enabled},
 * refuses {@code /v1/**} without a valid {@code Authorization: Bearer <key>} with OpenAI's 401. Everything
 * else (health, the playground, the OpenAPI document) stays open. Headers are never logged.
 */
@Component
public class ApiKeyFilter implements WebFilter, Ordered {

    /** After CORS (so a preflight, which carries no key, is answered) and before every limit. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private static final String BEARER = "Bearer ";

    private final boolean enabled;
    private final ApiKeys keys;

    public ApiKeyFilter(GatewayProperties properties) {
        this.enabled = properties.security().enabled();
        this.keys = new ApiKeys(properties.security().apiKeyHashes());
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
            if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    || header.substring(BEARER.length()).isBlank()) {
                return Mono.error(unauthorized("You didn't provide an API key. You need to provide your API key in"
                        + " an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)"));
            }
            String key = header.substring(BEARER.length()).strip();
            String hash = keys.match(key);
            if (hash == null) {
                return Mono.error(unauthorized("Incorrect API key provided: " + ApiKeys.mask(key)));
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

    private static ApiException unauthorized(String message) {
        return new ApiException(new ErrorInfo(401, "invalid_request_error", message, null, "invalid_api_key"),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer"));
    }
}
