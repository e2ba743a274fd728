package dev.llmplatform.gateway.limits;

import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A 300 KB body limit (above the codecs' own 256 KiB default) and one generation in flight at a time. */
@WebFluxTest(controllers = CompletionsController.class, properties = {
        "spring.config.name=gateway",
        "llm.gateway.limits.max-body-size=300KB",
        "llm.gateway.limits.max-in-flight-generations=1"})
@Import(SliceTestBackend.class)
class BodyAndConcurrencyLimitsTest {

    static final int LIMIT = 300 * 1024;

    @Autowired
    WebTestClient http;

    @Autowired
    GenerationAdmission admission;

    @Test
    void shouldAcceptABodyUpToTheConfiguredLimitAndRefuseALargerOneWith413() {
        post(completion(LIMIT - 1024)).exchange().expectStatus().isOk();

        post(completion(LIMIT + 1024)).exchange()
                .expectStatus().isEqualTo(413)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("too large").contains("307200"));
    }

    @Test
    void shouldRefuseAChunkedBodyOnceItPassesTheLimit() {
        byte[] body = completion(LIMIT + 1024).getBytes(StandardCharsets.UTF_8);
        int chunk = 8192;
        Flux<DataBuffer> chunks = Flux.range(0, (body.length + chunk - 1) / chunk).map(i -> DefaultDataBufferFactory
                .sharedInstance.wrap(Arrays.copyOfRange(body, i * chunk, Math.min(body.length, (i + 1) * chunk))));

        http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .body(chunks, DataBuffer.class).exchange()
                .expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileEveryGenerationSlotIsTaken() {
        // "hang": one token, then the stream stays open, holding the only slot.
        FluxExchangeResult<String> held = post("{\"model\":\"%s\",\"prompt\":\"hang\",\"stream\":true}".formatted(MODEL))
                .exchange().expectStatus().isOk().returnResult(String.class);
        Disposable reader = held.getResponseBody().subscribe();
        try {
            assertThat(admission.inFlight()).isEqualTo(1);
            post(completion(10)).exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
                    .expectBody()
                    .jsonPath("$.error.type").isEqualTo("server_error")
                    .jsonPath("$.error.code").isEqualTo("overloaded");
        } finally {
            reader.dispose();
        }
        // The client going away frees the slot for the next request.
        await().atMost(Duration.ofSeconds(5)).until(() -> admission.inFlight() == 0);
        post(completion(10)).exchange().expectStatus().isOk();
    }

    private WebTestClient.RequestHeadersSpec<?> post(String body) {
        return http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    /** A valid request whose JSON is about {@code bytes} long. */
    private static String completion(int bytes) {
        String head = "{\"model\":\"" + MODEL + "\",\"max_tokens\":4,\"prompt\":\"";
        return head + "x".repeat(Math.max(1, bytes - head.length() - 2)) + "\"}";
    }
}
