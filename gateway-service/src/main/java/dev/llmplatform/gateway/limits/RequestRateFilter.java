package dev.llmplatform.gateway.limits;

import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.security.ApiKeyFilter;
import dev.llmplatform.gateway.security.ClientIdentity;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * {@code llm.gateway.limits.requests-per-minute}: each client (API key, or IP address when keys are
 * off) may send that many {@code /v1/**} requests a minute; one more gets a 429 with {@code Retry-After}.
 */
@Component
public class RequestRateFilter implements WebFilter, Ordered {

    private final RateLimiter limiter;

    public RequestRateFilter(GatewayProperties properties) {
        long perMinute = properties.limits().requestsPerMinute();
        this.limiter = perMinute > 0 ? new RateLimiter(perMinute, System::nanoTime) : null;
    }

    @Override
    public int getOrder() {
        return ApiKeyFilter.ORDER + 20;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (limiter == null || !isApi(exchange) || CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        Duration wait = limiter.tryAcquire(ClientIdentity.of(exchange).id(), 1);
        if (!wait.isZero()) {
            return Mono.error(LimitErrors.rateLimited("requests", limiter.perMinute(), wait));
        }
        return chain.filter(exchange);
    }

    private static boolean isApi(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        return path.startsWith("/v1/");
    }
}
