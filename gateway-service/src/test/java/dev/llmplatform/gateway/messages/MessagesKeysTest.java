package dev.llmplatform.gateway.messages;

import dev.llmplatform.gateway.completions.CompletionsController;
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

/** API keys on: the Messages routes take Anthropic's {@code x-api-key} and answer 401/429 in Anthropic's shape. */
@WebFluxTest(controllers = {MessagesController.class, CompletionsController.class}, properties = {
        "spring.config.name=gateway",
        "llm.gateway.security.enabled=true",
        "llm.gateway.security.api-key-hashes=" + TestKeys.ALPHA_HASH + "," + TestKeys.BRAVO_HASH + "," + TestKeys.CHARLIE_HASH,
        "llm.gateway.limits.requests-per-minute=2"})
@Import({SliceTestBackend.class, MessagesService.class, AnthropicErrors.class})
class MessagesKeysTest {

    private static final String BODY = "{\"model\":\"%s\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"
            .formatted(MODEL);

    @Autowired
    WebTestClient http;

    @Test
    void shouldTakeTheKeyFromXApiKeyOrBearer() {
        messages().header("x-api-key", TestKeys.ALPHA).exchange().expectStatus().isOk();
        messages().header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.BRAVO).exchange().expectStatus().isOk();
    }

    @Test
    void shouldRefuseAMissingOrWrongKeyWithAnAuthenticationError() {
        messages().exchange()
                .expectStatus().isUnauthorized()
                .expectBody()
                .jsonPath("$.type").isEqualTo("error")
                .jsonPath("$.error.type").isEqualTo("authentication_error")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("x-api-key"));
        messages().header("x-api-key", "sk-wrong-0000").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.type").isEqualTo("authentication_error");
    }

    @Test
    void shouldKeepOpenAiRoutesOnBearerKeysAndOpenAiErrors() {
        http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).header("x-api-key", TestKeys.ALPHA)
                .bodyValue("{\"model\":\"%s\",\"prompt\":\"hi\"}".formatted(MODEL)).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
    }

    @Test
    void shouldAnswerTheRateLimitWithARateLimitError() {
        messages().header("x-api-key", TestKeys.CHARLIE).exchange().expectStatus().isOk();
        messages().header("x-api-key", TestKeys.CHARLIE).exchange().expectStatus().isOk();
        messages().header("x-api-key", TestKeys.CHARLIE).exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody()
                .jsonPath("$.type").isEqualTo("error")
                .jsonPath("$.error.type").isEqualTo("rate_limit_error");
    }

    private WebTestClient.RequestHeadersSpec<?> messages() {
        return http.post().uri("/v1/messages").contentType(MediaType.APPLICATION_JSON).bodyValue(BODY);
    }
}
