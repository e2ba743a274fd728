package dev.llmplatform.gateway.limits;

import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.error.ApiErrors;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.security.ApiKeyFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code llm.gateway.limits.max-body-size}: a body announced larger is refused with a 413 before a
 * byte of it is read; a chunked one is counted as it arrives and refused once it passes the limit.
 * The JSON decoders get the same limit, so the one setting decides (their own default is 256 KiB).
 */
@Component
public class BodySizeFilter implements WebFilter, Ordered, WebFluxConfigurer {

    private final long maxBytes;

    public BodySizeFilter(GatewayProperties properties) {
        this.maxBytes = properties.limits().maxBodySize().toBytes();
    }

    @Override
    public int getOrder() {
        return ApiKeyFilter.ORDER + 10;
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize((int) maxBytes);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long announced = exchange.getRequest().getHeaders().getContentLength();
        if (announced > maxBytes) {
            return Mono.error(new ApiException(ApiErrors.bodyTooLarge(announced, maxBytes)));
        }
        if (announced >= 0) {
            return chain.filter(exchange);   // the server reads no more than Content-Length
        }
        return chain.filter(exchange.mutate().request(new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                AtomicLong seen = new AtomicLong();
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > maxBytes) {
                        DataBufferUtils.release(buffer);
                        sink.error(new DataBufferLimitException("request body over " + maxBytes + " bytes"));
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        }).build());
    }
}
