package dev.llmplatform.gateway.openapi;

import dev.llmplatform.gateway.chat.ChatController;
import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.tokenize.TokenizeController;
import dev.llmplatform.gateway.models.ModelsController;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.Test;
import org.springdoc.core.configuration.SpringDocConfiguration;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.webflux.core.configuration.SpringDocWebFluxConfiguration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /openapi.json}: valid JSON naming every endpoint the gateway maps, with examples. */
@WebFluxTest(controllers = {CompletionsController.class, ChatController.class, TokenizeController.class,
        ModelsController.class},
        properties = "spring.config.name=gateway")
@ImportAutoConfiguration({SpringDocConfiguration.class, SpringDocConfigProperties.class, SpringDocWebFluxConfiguration.class})
@Import({SliceTestBackend.class, OpenApiConfiguration.class})
class OpenApiDocumentTest {

    @Autowired
    WebTestClient http;

    @Autowired
    RequestMappingHandlerMapping mappings;

    @Autowired
    JsonMapper json;

    @Test
    void shouldDescribeEveryMappedGatewayEndpoint() {
        JsonNode paths = document().get("paths");
        List<String> mapped = mappings.getHandlerMethods().entrySet().stream()
                .filter(e -> e.getValue().getBeanType().getPackageName().startsWith("dev.llmplatform.gateway"))
                .flatMap(e -> e.getKey().getPatternsCondition().getPatterns().stream()
                        .map(PathPattern::getPatternString)
                        .flatMap(path -> e.getKey().getMethodsCondition().getMethods().stream()
                                .map(method -> method.name().toLowerCase() + " " + path)))
                .toList();

        assertThat(mapped).contains("post /v1/completions", "post /v1/chat/completions", "post /v1/tokenize",
                "post /v1/detokenize", "get /v1/models", "get /v1/models/{id}");
        assertThat(mapped).allSatisfy(endpoint -> {
            String[] parts = endpoint.split(" ");
            assertThat(paths.path(parts[1]).has(parts[0])).as(endpoint + " is in /openapi.json").isTrue();
        });
    }

    @Test
    void shouldGiveCompletionsExamplesJsonAndEventStreamAnswersAndOpenAiErrors() {
        JsonNode completions = document().get("paths").get("/v1/completions").get("post");

        assertThat(completions.at("/requestBody/content/application~1json/examples/simple/value/model").asString())
                .isEqualTo("tiny-llama");
        JsonNode ok = completions.at("/responses/200/content");
        assertThat(ok.at("/application~1json/schema/$ref").asString()).endsWith("/CompletionResponse");
        assertThat(ok.at("/text~1event-stream/examples/stream/value").asString()).endsWith("data: [DONE]\n\n");
        for (String status : new String[]{"400", "401", "404", "413", "429", "503"}) {
            assertThat(completions.at("/responses/" + status + "/content/application~1json/schema/$ref").asString())
                    .as(status).endsWith("/ApiErrorBody");
        }
        assertThat(document().at("/components/schemas/CompletionRequest/properties/prompt/oneOf").size()).isEqualTo(4);   // text, texts, token ids, lists of token ids
    }

    @Test
    void shouldDescribeChatAndTokenizeWithExamplesAndTheTimeoutHeader() {
        JsonNode paths = document().get("paths");
        JsonNode chat = paths.get("/v1/chat/completions").get("post");

        assertThat(chat.at("/responses/200/content/application~1json/schema/$ref").asString()).endsWith("/ChatCompletion");
        assertThat(chat.at("/responses/200/content/text~1event-stream/examples/stream/value").asString())
                .contains("chat.completion.chunk").endsWith("data: [DONE]\n\n");
        assertThat(chat.get("parameters").valueStream().map(p -> p.get("name").asString())).contains("X-Request-Timeout");
        assertThat(paths.at("/~1v1~1tokenize/post/responses/200/content/application~1json/examples/example/value/count")
                .asInt()).isEqualTo(3);
        assertThat(document().at("/components/schemas/ChatRequest/properties").has("unrecognized"))
                .as("the catch-all for unknown fields is no parameter").isFalse();
    }

    private JsonNode document() {
        byte[] body = http.get().uri("/openapi.json").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().returnResult().getResponseBody();
        return json.readTree(body);
    }
}
