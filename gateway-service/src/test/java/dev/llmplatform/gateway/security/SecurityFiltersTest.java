package dev.llmplatform.gateway.security;

import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.models.ModelsController;
import dev.llmplatform.gateway.support.SliceTestBackend;
import dev.llmplatform.gateway.support.TestKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/** API keys on and one CORS origin: who gets through, and what a browser on another origin sees. */
@WebFluxTest(controllers = {CompletionsController.class, ModelsController.class}, properties = {
        "spring.config.name=gateway",
        "llm.gateway.security.enabled=true",
        "llm.gateway.security.api-key-hashes=" + TestKeys.ALPHA_HASH + "," + TestKeys.BRAVO_HASH,
        "llm.gateway.cors.allowed-origins=https://app.example.com"})
@Import(SliceTestBackend.class)
class SecurityFiltersTest {

    static final String ORIGIN = "https://app.example.com";
    /** CORS compares the Origin with the request's own host, so these requests need one. */
    static final String GATEWAY = "http://gateway.local:8080";

    @Autowired
    WebTestClient http;

    @Test
    void shouldRefuseAnApiRequestWithoutAKeyWith401InvalidApiKey() {
        http.get().uri("/v1/models").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("invalid_api_key")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("Authorization: Bearer"));
    }

    @Test
    void shouldRefuseAWrongKeyWithoutRepeatingIt() {
        String wrong = "sk-wrong-key-with-secret-middle-9876";
        http.post().uri("/v1/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + wrong)
                .header(HttpHeaders.CONTENT_TYPE, "application/json")
                .bodyValue("{\"model\":\"%s\",\"prompt\":\"hi\"}".formatted(MODEL)).exchange()
                .expectStatus().isUnauthorized()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("invalid_api_key")
                .jsonPath("$.error.message").value(m -> assertThat((String) m)
                        .doesNotContain(wrong).doesNotContain("secret-middle").contains("sk-").endsWith("9876"));
    }

    @Test
    void shouldServeEveryConfiguredKey() {
        for (String key : new String[]{TestKeys.ALPHA, TestKeys.BRAVO}) {
            http.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.object").isEqualTo("list");
        }
        http.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Basic " + TestKeys.ALPHA).exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void shouldLeaveThePlaygroundHealthAndApiDocsOpen() {
        http.get().uri("/").exchange().expectStatus().isOk();
        http.get().uri("/css/app.css").exchange().expectStatus().isOk();
        for (String path : new String[]{"/actuator/health", "/openapi.json"}) {
            http.get().uri(path).exchange().expectStatus().value(status ->
                    assertThat(status).as(path + " must not need a key").isNotEqualTo(401));
        }
    }

    @Test
    void shouldAnswerAPreflightFromAnAllowedOriginWithoutAKey() {
        http.options().uri(GATEWAY + "/v1/completions")
                .header(HttpHeaders.ORIGIN, ORIGIN)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN)
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, m -> assertThat(m).contains("POST"))
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
                        h -> assertThat(h.toLowerCase()).contains("authorization").contains("content-type"));
    }

    @Test
    void shouldRefuseAPreflightFromAnotherOrigin() {
        http.method(HttpMethod.OPTIONS).uri(GATEWAY + "/v1/completions")
                .header(HttpHeaders.ORIGIN, "https://evil.example.org")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
    }

    @Test
    void shouldLetABrowserOnTheAllowedOriginReadA401() {
        http.get().uri(GATEWAY + "/v1/models").header(HttpHeaders.ORIGIN, ORIGIN).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN)
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
    }
}
