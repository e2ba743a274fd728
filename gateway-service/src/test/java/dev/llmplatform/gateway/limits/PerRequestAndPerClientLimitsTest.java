package dev.llmplatform.gateway.limits;

import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import dev.llmplatform.gateway.support.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

import java.time.Duration;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At most 100 tokens per request (max_tokens × n over every prompt) and two generations in flight per
 * API key: one key holding both slots gets a 429 for a third, while another key is still served.
 */
@WebFluxTest(controllers = CompletionsController.class, properties = {
        "spring.config.name=gateway",
        "llm.gateway.security.enabled=true",
        "llm.gateway.security.api-key-hashes=" + TestKeys.ALPHA_HASH + "," + TestKeys.BRAVO_HASH,
        "llm.gateway.limits.max-tokens-per-request=100",
        "llm.gateway.limits.max-in-flight-per-client=2"})
@Import(SliceTestBackend.class)
class PerRequestAndPerClientLimitsTest {

    @Autowired
    WebTestClient http;

    @Autowired
    GenerationAdmission admission;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void forget() {
        backend.clear();
    }

    @Test
    void shouldRefuseMoreTokensPerRequestThanConfiguredNamingNOrMaxTokens() {
        post(TestKeys.ALPHA, "{\"model\":\"%s\",\"prompt\":\"hi\",\"max_tokens\":50,\"n\":2}".formatted(MODEL))
                .exchange().expectStatus().isOk();
        post(TestKeys.ALPHA, "{\"model\":\"%s\",\"prompt\":\"hi\",\"max_tokens\":34,\"n\":3}".formatted(MODEL))
                .exchange().expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.param").isEqualTo("n")
                .jsonPath("$.error.code").isEqualTo("request_too_large")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("102").contains("100"));
        // Two prompts of one choice each count as two choices.
        post(TestKeys.ALPHA, "{\"model\":\"%s\",\"prompt\":[\"a\",\"b\"],\"max_tokens\":60}".formatted(MODEL))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("request_too_large");
        assertThat(backend.requests()).as("only the request within the limit was published").hasSize(2);
    }

    @Test
    void shouldAnswer429ToAKeyWithTwoGenerationsRunningWhileAnotherKeyIsServed() {
        Disposable first = hold(TestKeys.ALPHA);
        Disposable second = hold(TestKeys.ALPHA);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> admission.inFlight() == 2);
            post(TestKeys.ALPHA, "{\"model\":\"%s\",\"prompt\":\"hi\",\"max_tokens\":4}".formatted(MODEL))
                    .exchange().expectStatus().isEqualTo(429)
                    .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
                    .expectBody()
                    .jsonPath("$.error.code").isEqualTo("too_many_concurrent_requests")
                    .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("limit is 2"));
            post(TestKeys.BRAVO, "{\"model\":\"%s\",\"prompt\":\"hi\",\"max_tokens\":4}".formatted(MODEL))
                    .exchange().expectStatus().isOk();
        } finally {
            first.dispose();
            second.dispose();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> admission.inFlight() == 0);
        post(TestKeys.ALPHA, "{\"model\":\"%s\",\"prompt\":\"hi\",\"max_tokens\":4}".formatted(MODEL))
                .exchange().expectStatus().isOk();
    }

    /** A stream that sends one token and stays open ("hang"), holding one of the key's slots. */
    private Disposable hold(String key) {
        FluxExchangeResult<String> held = post(key, "{\"model\":\"%s\",\"prompt\":\"hang\",\"stream\":true}".formatted(MODEL))
                .exchange().expectStatus().isOk().returnResult(String.class);
        return held.getResponseBody().subscribe();
    }

    private WebTestClient.RequestHeadersSpec<?> post(String key, String body) {
        return http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).bodyValue(body);
    }
}
