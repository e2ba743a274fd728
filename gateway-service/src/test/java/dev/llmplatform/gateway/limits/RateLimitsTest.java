package dev.llmplatform.gateway.limits;

import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.models.ModelsController;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import dev.llmplatform.gateway.support.TestKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests and tokens per minute, per API key: 3 requests and 40 tokens a minute. Each test spends
 * its own keys, so the buckets the tests share in this context do not couple them (BRAVO: one model list in
 * one test, two completions in another).
 */
@WebFluxTest(controllers = {CompletionsController.class, ModelsController.class}, properties = {
        "spring.config.name=gateway",
        "llm.gateway.security.enabled=true",
        "llm.gateway.security.api-key-hashes=" + TestKeys.ALPHA_HASH + "," + TestKeys.BRAVO_HASH + ","
                + TestKeys.CHARLIE_HASH + "," + TestKeys.DELTA_HASH,
        "llm.gateway.limits.requests-per-minute=3",
        "llm.gateway.limits.tokens-per-minute=40"})
@Import(SliceTestBackend.class)
class RateLimitsTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @Test
    void shouldAnswer429WithRetryAfterOnceAKeySpentItsRequestsAndOnlyForThatKey() {
        for (int i = 0; i < 3; i++) {
            models(TestKeys.ALPHA).expectStatus().isOk();
        }
        models(TestKeys.ALPHA)
                .expectStatus().isEqualTo(429)
                // one request comes back every 20 s at 3 a minute
                .expectHeader().value(HttpHeaders.RETRY_AFTER, s -> assertThat(Long.parseLong(s)).isBetween(1L, 20L))
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("rate_limit_exceeded")
                .jsonPath("$.error.type").isEqualTo("requests")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("3 per minute"));
        models(TestKeys.BRAVO).expectStatus().isOk();
    }

    @Test
    void shouldChargeMaxTokensUpFrontAndRefuseWhatTheTokenBudgetCannotCover() {
        // A generation that fails keeps its whole charge.
        complete(TestKeys.CHARLIE, 30, "fail-midway").expectStatus().is5xxServerError();
        int published = backend.requests().size();

        complete(TestKeys.CHARLIE, 30)
                .expectStatus().isEqualTo(429)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, s -> assertThat(Long.parseLong(s)).isBetween(1L, 60L))
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("rate_limit_exceeded")
                .jsonPath("$.error.type").isEqualTo("tokens");
        assertThat(backend.requests()).as("a refused generation is not published").hasSize(published);

        complete(TestKeys.CHARLIE, 10).expectStatus().isOk();
    }

    @Test
    void shouldGiveBackWhatACompletedGenerationDidNotUse() {
        complete(TestKeys.BRAVO, 30).expectStatus().isOk();   // the script generates 5 of its 30

        complete(TestKeys.BRAVO, 35).expectStatus().isOk();   // 40 - 30 + 25 given back
    }

    @Test
    void shouldRefuseMaxTokensAboveTheWholeMinuteBudgetWithoutSuggestingARetry() {
        complete(TestKeys.DELTA, 41)
                .expectStatus().isEqualTo(429)
                .expectHeader().doesNotExist(HttpHeaders.RETRY_AFTER)
                .expectBody()
                .jsonPath("$.error.param").isEqualTo("max_tokens")
                .jsonPath("$.error.code").isEqualTo("rate_limit_exceeded");
    }

    private WebTestClient.ResponseSpec models(String key) {
        return http.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange();
    }

    private WebTestClient.ResponseSpec complete(String key, int maxTokens) {
        return complete(key, maxTokens, "Say hello");
    }

    /** A completion; the prompt's first word picks the scripted backend's answer ({@code Replies.scripted}). */
    private WebTestClient.ResponseSpec complete(String key, int maxTokens, String prompt) {
        return http.post().uri("/v1/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"%s\",\"prompt\":\"%s\",\"max_tokens\":%d}".formatted(MODEL, prompt, maxTokens))
                .exchange();
    }
}
