package dev.llmplatform.gateway.chat;

import dev.llmplatform.gateway.serving.ResponseFormat.ChoiceResult;
import dev.llmplatform.gateway.serving.ResponseFormat.Piece;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.serving.UsageBody;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chat for a thinking model: {@code chat_template_kwargs} published with the messages, and the chat format's
 * {@code reasoning_content} beside {@code content}, streamed (pieces as the renderer hands them over) and whole.
 */
@WebFluxTest(controllers = ChatController.class, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class ChatReasoningTest {

    private static final ResponseId ID = new ResponseId("chatcmpl-1", 1, "thinker");
    private static final List<String> PIECES = List.of("<thi", "nk>Two and", " two</th", "ink>The answer", " is 4.");
    private static final int END_ID = 7;

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @Autowired
    JsonMapper json;

    @Test
    void shouldPublishChatTemplateKwargsWithTheMessages() {
        backend.clear();
        http.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue("""
                {"model":"%s","messages":[{"role":"user","content":"Hi"}],
                 "chat_template_kwargs":{"enable_thinking":false,"tools":[{"name":"x"}]}}""".formatted(MODEL))
                .exchange().expectStatus().isOk();

        assertThat(backend.requests().getFirst().chatTemplateKwargs())
                .isEqualTo(Map.of("enable_thinking", false, "tools", List.of(Map.of("name", "x"))));
    }

    @Test
    void shouldStreamReasoningContentApartFromContentAndSkipPiecesHeldBack() {
        ChatFormat format = new ChatFormat(false, "qwen3", END_ID);
        List<List<Integer>> ids = List.of(List.of(10), List.of(11, 12), List.of(13, 14), List.of(END_ID, 15), List.of(16, 17));
        List<JsonNode> deltas = new ArrayList<>();
        for (int i = 0; i < PIECES.size(); i++) {
            format.observe(0, PIECES.get(i), ids.get(i));
            Object chunk = format.chunk(ID, new Piece(0, PIECES.get(i), List.of(), 0, i == PIECES.size() - 1 ? "stop" : null));
            if (chunk != null) {
                deltas.add(json.valueToTree(chunk).get("choices").get(0).get("delta"));
            }
        }
        JsonNode usage = json.valueToTree(format.usageChunk(ID, UsageBody.of(3, 9))).get("usage");

        assertThat(deltas).hasSize(4);
        assertThat(deltas.stream().map(d -> d.path("reasoning_content").asString(null)))
                .containsExactly("Two and", " two", null, null);
        assertThat(deltas.stream().map(d -> d.path("content").asString(null)))
                .containsExactly(null, null, "The answer", " is 4.");
        // the tokens up to and including </think> (id 7), whatever the pieces' text shows
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void shouldAnswerWholeWithReasoningContentAndKeepTheOldShapeWithoutAParser() {
        ChatFormat thinking = new ChatFormat(false, "qwen3", -1);
        ChatFormat plain = new ChatFormat(false, null, -1);
        String text = String.join("", PIECES);
        for (ChatFormat format : List.of(thinking, plain)) {
            format.observe(0, text, List.of(0, 1, 2, 3, 4));
        }
        List<ChoiceResult> choices = List.of(new ChoiceResult(0, text, List.of(), "stop", List.of()));

        JsonNode reasoned = json.valueToTree(thinking.response(ID, choices, UsageBody.of(3, 5)));
        JsonNode message = reasoned.get("choices").get(0).get("message");
        assertThat(message.get("reasoning_content").asString()).isEqualTo("Two and two");
        assertThat(message.get("content").asString()).isEqualTo("The answer is 4.");
        assertThat(reasoned.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt()).isBetween(1, 5);

        JsonNode unchanged = json.valueToTree(plain.response(ID, choices, UsageBody.of(3, 5)));
        assertThat(unchanged.get("choices").get(0).get("message").get("content").asString()).isEqualTo(text);
        assertThat(unchanged.get("choices").get(0).get("message").has("reasoning_content")).isFalse();
        assertThat(unchanged.get("usage").has("completion_tokens_details")).isFalse();
    }
}
