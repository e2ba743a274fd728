package dev.llmplatform.gateway.security;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.gateway.chat.ChatController;
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
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code priority} field against per-key settings: ALPHA may ask for 2 or more and defaults to 5;
 * BRAVO has no settings of its own, so the gateway's apply (default 1, floor -3).
 */
@WebFluxTest(controllers = {CompletionsController.class, ChatController.class}, properties = {
        "spring.config.name=gateway",
        "llm.gateway.security.enabled=true",
        "llm.gateway.security.api-key-hashes=" + TestKeys.ALPHA_HASH + "," + TestKeys.BRAVO_HASH,
        "llm.gateway.security.key-priorities." + TestKeys.ALPHA_HASH + ".default-priority=5",
        "llm.gateway.security.key-priorities." + TestKeys.ALPHA_HASH + ".floor=2",
        "llm.gateway.limits.priority.default-priority=1",
        "llm.gateway.limits.priority.floor=-3"})
@Import(SliceTestBackend.class)
class PriorityLimitsTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void clear() {
        backend.clear();
    }

    @Test
    void shouldGiveARequestWithoutPriorityItsKeysDefault() {
        complete(TestKeys.ALPHA, null).expectStatus().isOk();
        complete(TestKeys.BRAVO, null).expectStatus().isOk();

        assertThat(backend.requests()).extracting(GenerationRequest::priority).containsExactly(5, 1);
    }

    @Test
    void shouldPassTheRequestedPriorityOfCompletionsAndChatToEveryChoice() {
        complete(TestKeys.ALPHA, 7).expectStatus().isOk();
        http.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.BRAVO)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"model":"%s","messages":[{"role":"user","content":"hi"}],"max_tokens":4,"n":2,"priority":-3}"""
                        .formatted(MODEL))
                .exchange().expectStatus().isOk();

        assertThat(backend.requests()).extracting(GenerationRequest::priority).containsExactly(7, -3, -3);
    }

    @Test
    void shouldRefuseAPriorityMoreUrgentThanTheKeyMayAskForWith400NamingPriority() {
        complete(TestKeys.ALPHA, 1)
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.param").isEqualTo("priority")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("at least 2"));
        complete(TestKeys.BRAVO, -4).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("priority");
        completeStreamed(TestKeys.ALPHA, -10).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("priority");

        assertThat(backend.requests()).as("nothing published").isEmpty();
    }

    private WebTestClient.ResponseSpec complete(String key, Integer priority) {
        return http.post().uri("/v1/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"max_tokens\":4%s}".formatted(MODEL,
                        priority == null ? "" : ",\"priority\":" + priority))
                .exchange();
    }

    private WebTestClient.ResponseSpec completeStreamed(String key, int priority) {
        return http.post().uri("/v1/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"max_tokens\":4,\"stream\":true,\"priority\":%d}"
                        .formatted(MODEL, priority))
                .exchange();
    }
}
