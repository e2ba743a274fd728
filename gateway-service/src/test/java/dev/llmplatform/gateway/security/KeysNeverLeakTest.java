package dev.llmplatform.gateway.security;

import dev.llmplatform.gateway.batches.BatchesController;
import dev.llmplatform.gateway.batches.BatchesService;
import dev.llmplatform.gateway.chat.ChatController;
import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.messages.AnthropicErrors;
import dev.llmplatform.gateway.messages.MessagesController;
import dev.llmplatform.gateway.messages.MessagesService;
import dev.llmplatform.gateway.support.SliceTestBackend;
import dev.llmplatform.gateway.support.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * API keys stay where they belong: never in a log line (a run with keys, right and wrong, in both
 * headers, with the web and platform loggers at DEBUG) nor in an answer beyond a masked hint, and a
 * batch is seen, read and cancelled only by the key that created it.
 */
@ExtendWith(OutputCaptureExtension.class)
@WebFluxTest(controllers = {ChatController.class, CompletionsController.class, MessagesController.class,
        BatchesController.class}, properties = {
        "spring.config.name=gateway",
        "llm.gateway.security.enabled=true",
        "llm.gateway.security.api-key-hashes=" + TestKeys.ALPHA_HASH + "," + TestKeys.BRAVO_HASH,
        "logging.level.dev.llmplatform=DEBUG",
        "logging.level.org.springframework.web=DEBUG",
        "logging.level.org.springframework.http=DEBUG"})
@Import({SliceTestBackend.class, MessagesService.class, AnthropicErrors.class, BatchesService.class})
class KeysNeverLeakTest {

    private static final String WRONG = "sk-wrong-key-9876543210abcdef";

    @Autowired
    WebTestClient http;

    @Test
    void shouldNeverLogAKeyRightOrWrong(CapturedOutput output) {
        String chat = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}".formatted(MODEL);
        String messages = "{\"model\":\"%s\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".formatted(MODEL);
        for (String key : List.of(TestKeys.ALPHA, TestKeys.BRAVO, WRONG)) {
            post("/v1/chat/completions", chat).header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange();
            post("/v1/chat/completions", chat.replace("\"hi\"", "3")).header(HttpHeaders.AUTHORIZATION, "bearer " + key).exchange();
            post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange();
            post("/v1/messages", messages).header("x-api-key", key).exchange();
            post("/v1/messages", "{").header("x-api-key", key).exchange();
        }
        String answer = post("/v1/completions", "{}").header(HttpHeaders.AUTHORIZATION, "Bearer " + WRONG).exchange()
                .expectStatus().isUnauthorized().expectBody(String.class).returnResult().getResponseBody();

        assertThat(answer).doesNotContain(WRONG).contains(ApiKeys.mask(WRONG));
        assertThat(output.getAll()).as("requests were logged at all").contains("/v1/");
        for (String key : List.of(TestKeys.ALPHA, TestKeys.BRAVO, WRONG)) {
            assertThat(output.getAll()).doesNotContain(key).doesNotContain(key.substring(3, key.length() - 4));
        }
    }

    @Test
    void shouldShowABatchOnlyToTheKeyThatCreatedIt() {
        String body = "{\"input\":[{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/completions\","
                + "\"body\":{\"model\":\"%s\",\"prompt\":\"Say hello\"}}],\"completion_window\":\"24h\"}".formatted(MODEL);
        String id = post("/v1/batches", body).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.ALPHA).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(get("/v1/batches/" + id, TestKeys.ALPHA)
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody().get("status").asString()));

        assertThat(get("/v1/batches", TestKeys.BRAVO).expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody().get("data").valueStream().map(b -> b.get("id").asString())).doesNotContain(id);
        get("/v1/batches/" + id, TestKeys.BRAVO).expectStatus().isNotFound();
        get("/v1/batches/" + id + "/output", TestKeys.BRAVO).expectStatus().isNotFound();
        http.post().uri("/v1/batches/" + id + "/cancel").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.BRAVO)
                .exchange().expectStatus().isNotFound();

        assertThat(get("/v1/batches", TestKeys.ALPHA).expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody().get("data").valueStream().map(b -> b.get("id").asString())).contains(id);
        get("/v1/batches/" + id + "/output", TestKeys.ALPHA).expectStatus().isOk();
    }

    private WebTestClient.RequestHeadersSpec<?> post(String path, String body) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    private WebTestClient.ResponseSpec get(String path, String key) {
        return http.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange();
    }
}
