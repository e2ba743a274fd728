package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.reasoning.ReasoningParsers;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import dev.llmplatform.model.GenerationDefaults;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model with a reasoning parser ({@code deepseek_r1}: the output starts inside the think block, so the scripted
 * reply, which never closes it, is all thinking): its thinking as a {@code thinking} block, whole and streamed as
 * {@code thinking_delta}s; {@code thinking: disabled} asks the template not to think and leaves thinking out.
 */
@WebFluxTest(controllers = MessagesController.class, properties = "spring.config.name=gateway")
@Import({SliceTestBackend.class, MessagesService.class, AnthropicErrors.class})
class MessagesThinkingTest {

    private static final String THINKER = "tiny-thinker";
    private static final String SCRIPTED_TEXT = "Hello, 世界 🙂";

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @Autowired
    ModelRegistry registry;

    @Autowired
    JsonMapper json;

    @BeforeEach
    void registerAThinkingModel() {
        backend.clear();
        registry.register(new RegisteredModel(THINKER, "1", RegisteredModel.DECODER, 123_456, 64, 2.5, 1_700_000_000_000L,
                GenerationDefaults.NONE, null, ReasoningParsers.DEEPSEEK_R1, -1));
    }

    @Test
    void shouldAnswerTheThinkBlockAsAThinkingBlock() {
        JsonNode message = post(body("")).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(message.get("content")).hasSize(1);
        JsonNode thinking = message.get("content").get(0);
        assertThat(thinking.get("type").asString()).isEqualTo("thinking");
        assertThat(thinking.get("thinking").asString()).isEqualTo(SCRIPTED_TEXT);
        assertThat(thinking.get("signature").asString()).isEmpty();
        assertThat(backend.requests().getFirst().chatTemplateKwargs()).isNull();
    }

    @Test
    void shouldStreamTheThinkingAsThinkingDeltasOfOneBlock() {
        String raw = post(body(",\"stream\":true")).expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();
        List<JsonNode> events = Arrays.stream(raw.split("\n\n")).map(block -> block.lines()
                        .filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring("data: ".length()))
                .map(json::readTree).toList();

        JsonNode start = events.stream().filter(e -> e.get("type").asString().equals("content_block_start")).findFirst()
                .orElseThrow();
        assertThat(start.get("content_block").get("type").asString()).isEqualTo("thinking");
        StringBuilder thinking = new StringBuilder();
        events.stream().filter(e -> e.get("type").asString().equals("content_block_delta")).forEach(e -> {
            assertThat(e.get("delta").get("type").asString()).isEqualTo("thinking_delta");
            thinking.append(e.get("delta").get("thinking").asString());
        });
        assertThat(thinking.toString()).isEqualTo(SCRIPTED_TEXT);
        assertThat(events.stream().filter(e -> e.get("type").asString().equals("content_block_start"))).hasSize(1);
    }

    @Test
    void shouldAskTheTemplateNotToThinkAndLeaveThinkingOutWhenThinkingIsDisabled() {
        JsonNode message = post(body(",\"thinking\":{\"type\":\"disabled\"}")).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(backend.requests().getFirst().chatTemplateKwargs()).isEqualTo(Map.of("enable_thinking", false));
        assertThat(message.get("content")).hasSize(1);
        assertThat(message.get("content").get(0).get("type").asString()).isEqualTo("text");
        assertThat(message.get("content").get(0).get("text").asString()).isEmpty();
    }

    @Test
    void shouldCountTheTokensOfThePromptRenderedWithoutThinkingWhenThinkingIsDisabled() {
        http.post().uri("/v1/messages/count_tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Think\"}],".formatted(THINKER)
                        + "\"thinking\":{\"type\":\"disabled\"}}")
                .exchange().expectStatus().isOk();

        assertThat(backend.tokenizerRequests()).singleElement().isInstanceOfSatisfying(TokenizerRequest.Tokenize.class,
                t -> assertThat(t.chatTemplateKwargs()).isEqualTo(Map.of("enable_thinking", false)));
    }

    private static String body(String extra) {
        return "{\"model\":\"%s\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Think\"}]%s}"
                .formatted(THINKER, extra);
    }

    private WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/v1/messages").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
