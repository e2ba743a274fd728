package dev.llmplatform.gateway.security;

import dev.llmplatform.gateway.GatewayProperties;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

/**
 * Cross-origin access from {@code llm.gateway.cors.allowed-origins} (none by default: the playground
 * is served by the gateway itself and needs none). Runs first, so a preflight is answered before the
 * API key check and error responses carry the CORS headers a browser needs to read them.
 */
@Component
public class CorsFilter implements WebFilter, Ordered {

    private final CorsWebFilter delegate;

    public CorsFilter(GatewayProperties properties) {
        List<String> origins = properties.cors().allowedOrigins();
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(origins);
        cors.setAllowedMethods(List.of("GET", "POST", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT));
        cors.setExposedHeaders(List.of(HttpHeaders.RETRY_AFTER));
        cors.setMaxAge(Duration.ofHours(1));
        // None configured: no CORS processing at all, rather than refusing requests a proxy made look cross-origin.
        this.delegate = new CorsWebFilter(exchange -> origins.isEmpty() ? null : cors);
    }

    @Override
    public int getOrder() {
        return ApiKeyFilter.ORDER - 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return delegate.filter(exchange, chain);
    }
}
