package dev.llmplatform.gateway.openapi;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Springdoc builds the document synchronously inside its handler, and the first build takes seconds
 * of CPU (measured 4–8 s on 2 cores): on an event loop that would stall every stream sharing it.
 * Requests for the document are therefore handled on the bounded-elastic scheduler; later ones are
 * served from springdoc's cache.
 */
@Component
public class OpenApiOffEventLoopFilter implements WebFilter {

    private final String docsPath;

    public OpenApiOffEventLoopFilter(@Value("${springdoc.api-docs.path:/v3/api-docs}") String docsPath) {
        this.docsPath = docsPath;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.startsWith(docsPath)) {
            return chain.filter(exchange);
        }
        return Mono.defer(() -> chain.filter(exchange)).subscribeOn(Schedulers.boundedElastic());
    }
}
