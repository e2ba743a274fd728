package dev.llmplatform.gateway.openapi;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiOffEventLoopFilterTest {

    private final OpenApiOffEventLoopFilter filter = new OpenApiOffEventLoopFilter("/openapi.json");

    @Test
    void shouldBuildTheDocumentOffTheCallingThreadAndLeaveOtherRequestsWhereTheyAre() {
        assertThat(handlingThread("/openapi.json")).startsWith("boundedElastic");
        assertThat(handlingThread("/v1/models")).isEqualTo(Thread.currentThread().getName());
    }

    private String handlingThread(String path) {
        AtomicReference<String> thread = new AtomicReference<>();
        filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get(path)),
                exchange -> Mono.fromRunnable(() -> thread.set(Thread.currentThread().getName()))).block();
        return thread.get();
    }
}
