package dev.llmplatform.gateway.hostile;

import dev.llmplatform.gateway.batches.BatchesController;
import dev.llmplatform.gateway.batches.BatchesService;
import dev.llmplatform.gateway.chat.ChatController;
import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.embeddings.EmbeddingsController;
import dev.llmplatform.gateway.embeddings.EmbeddingsService;
import dev.llmplatform.gateway.messages.AnthropicErrors;
import dev.llmplatform.gateway.messages.MessagesController;
import dev.llmplatform.gateway.messages.MessagesService;
import dev.llmplatform.gateway.models.ModelsController;
import dev.llmplatform.gateway.responses.ResponsesController;
import dev.llmplatform.gateway.responses.ResponsesService;
import dev.llmplatform.gateway.support.HostileBodies;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import dev.llmplatform.gateway.tokenize.TokenizeController;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model name that could never name a folder of the store (a path, '..', a look-alike of the served
 * model's name, a control character, 129 characters) is a 400 naming {@code model} on every endpoint
 * that takes one, not a 404 and never a lookup; nothing is published.
 */
@WebFluxTest(controllers = {ChatController.class, CompletionsController.class, EmbeddingsController.class,
        ResponsesController.class, MessagesController.class, TokenizeController.class, BatchesController.class,
        ModelsController.class},
        properties = "spring.config.name=gateway")
@Import({SliceTestBackend.class, EmbeddingsService.class, ResponsesService.class, MessagesService.class,
        AnthropicErrors.class, BatchesService.class})
class ModelNamesTest {

    static final List<String> HOSTILE_NAMES = List.of(
            "../tiny-llama", "tiny-llama/../tiny-llama", "/etc/passwd", "..", "C:\\models\\tiny-llama",
            "tiny\u2010llama",            // a Unicode hyphen
            "ｔｉｎｙ-llama",               // fullwidth letters
            "tiny-llama\u0000", "tiny-llama\u202e", "tіny-llama",   // the 'і' is Cyrillic
            "a".repeat(129), ".tiny-llama", "tiny llama");

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    static Stream<Arguments> endpointsAndNames() {
        List<String> endpoints = List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses",
                "/v1/messages", "/v1/tokenize", "/v1/models/{name}");
        return endpoints.stream().flatMap(endpoint -> HOSTILE_NAMES.stream().map(name -> Arguments.of(endpoint, name)));
    }

    @ParameterizedTest(name = "{0} model={1}")
    @MethodSource("endpointsAndNames")
    void shouldRefuseANameThatCouldNeverBeAModelWith400NamingModel(String endpoint, String name) {
        backend.clear();
        WebTestClient.ResponseSpec answer;
        if (endpoint.contains("{name}")) {
            answer = http.get().uri("/v1/models/" + UriUtils.encodePathSegment(name, StandardCharsets.UTF_8)).exchange();
        } else {
            answer = http.post().uri(endpoint).contentType(MediaType.APPLICATION_JSON).bodyValue(body(endpoint, name)).exchange();
        }
        JsonNode error = answer.expectStatus().isBadRequest().expectBody(JsonNode.class).returnResult()
                .getResponseBody().get("error");
        if (endpoint.equals("/v1/messages")) {
            assertThat(error.get("message").asString()).startsWith("model:");
        } else {
            assertThat(error.get("param").asString()).isEqualTo("model");
        }
        assertThat(error.get("message").asString()).contains("Invalid model name").hasSizeLessThan(400);
        assertThat(backend.requests()).isEmpty();
        assertThat(backend.tokenizerRequests()).isEmpty();
    }

    private static String body(String endpoint, String name) {
        String model = HostileBodies.quote(name);
        return switch (endpoint) {
            case "/v1/chat/completions" -> "{\"model\":" + model + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            case "/v1/messages" -> "{\"model\":" + model + ",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            case "/v1/embeddings", "/v1/responses" -> "{\"model\":" + model + ",\"input\":\"hi\"}";
            default -> "{\"model\":" + model + ",\"prompt\":\"hi\"}";
        };
    }
}
