package dev.llmplatform.gateway.chat;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.support.Replies;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/chat/completions}: what is published, and OpenAI's chat shapes coming back, whole and streamed. */
@WebFluxTest(controllers = ChatController.class, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class ChatCompletionsTest {

    private static final String CONVERSATION = """
            "messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":"Hi"},
                        {"role":"assistant","content":"Hello!"},
                        {"role":"user","content":[{"type":"text","text":"Say"},{"type":"text","text":"hello"}]}]""";

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @Autowired
    JsonMapper json;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
    }

    @Test
    void shouldPublishTheConversationAsMessagesNotAPrompt() {
        post("{\"model\":\"%s\",%s,\"max_completion_tokens\":7}".formatted(MODEL, CONVERSATION)).expectStatus().isOk();

        var request = backend.requests().getFirst();
        assertThat(request.prompt()).isNull();
        assertThat(request.messages()).containsExactly(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello!"), new ChatMessage("user", "Say\nhello"));
        assertThat(request.maxTokens()).isEqualTo(7);
    }

    @Test
    void shouldAnswerAChatCompletionWithTheAssistantsMessage() {
        JsonNode body = post("{\"model\":\"%s\",%s}".formatted(MODEL, CONVERSATION)).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(body.get("id").asString()).startsWith("chatcmpl-");
        assertThat(body.get("object").asString()).isEqualTo("chat.completion");
        assertThat(body.get("model").asString()).isEqualTo(MODEL);
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asString()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asString()).isEqualTo("Hello, 世界 🙂");
        assertThat(choice.get("message").has("refusal")).isTrue();
        assertThat(choice.get("logprobs").isNull()).isTrue();
        assertThat(choice.get("finish_reason").asString()).isEqualTo("length");
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void shouldStreamTheRoleFirstThenContentDeltasThenTheFinishReason() {
        List<JsonNode> chunks = stream("{\"model\":\"%s\",%s,\"stream\":true}".formatted(MODEL, CONVERSATION));

        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asString()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asString()).isEqualTo(chunks.getFirst().get("id").asString());
        });
        List<JsonNode> deltas = chunks.stream().map(c -> c.get("choices").get(0).get("delta")).toList();
        assertThat(deltas.getFirst().get("role").asString()).isEqualTo("assistant");
        assertThat(deltas.getFirst().get("content").asString()).isEmpty();
        assertThat(deltas.subList(1, deltas.size())).allSatisfy(d -> assertThat(d.has("role")).isFalse());
        assertThat(deltas.subList(1, deltas.size()).stream().map(d -> d.get("content").asString()))
                .containsExactly("Hello", ", ", "世界", " 🙂");
        assertThat(chunks.stream().map(c -> c.get("choices").get(0).get("finish_reason").asString(null)))
                .containsExactly(null, null, null, null, "length");
    }

    @Test
    void shouldGiveEachTokensLogprobWithBytesAndSortedAlternatives() {
        JsonNode body = post("{\"model\":\"%s\",%s,\"logprobs\":true,\"top_logprobs\":3}".formatted(MODEL, CONVERSATION))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        JsonNode content = body.get("choices").get(0).get("logprobs").get("content");
        assertThat(content.valueStream().map(e -> e.get("token").asString()))
                .containsExactly("Hello", ", ", "\uFFFD", "世界", " 🙂");
        JsonNode world = content.get(3);
        assertThat(world.get("logprob").asDouble()).isEqualTo(Replies.logprob(4, 3).logprob());
        assertThat(world.get("bytes").valueStream().map(JsonNode::asInt).toList())
                .isEqualTo(bytes("世界"));
        assertThat(content.get(2).get("bytes").isNull()).as("part of a character: no honest bytes").isTrue();
        assertThat(world.get("top_logprobs")).hasSize(3);
        assertThat(world.get("top_logprobs").get(0).get("token").asString()).isEqualTo("世界");
        List<Double> top = world.get("top_logprobs").valueStream().map(t -> t.get("logprob").asDouble()).toList();
        assertThat(top).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void shouldStreamLogprobsWithTheTokensOfEachChunkEvenWhenTheirTextIsHeldBack() {
        List<JsonNode> chunks = stream("{\"model\":\"%s\",%s,\"stream\":true,\"logprobs\":true}".formatted(MODEL, CONVERSATION));

        List<String> tokens = chunks.stream().map(c -> c.get("choices").get(0).get("logprobs"))
                .filter(l -> !l.isNull())
                .flatMap(l -> l.get("content").valueStream()).map(e -> e.get("token").asString()).toList();
        assertThat(tokens).containsExactly("Hello", ", ", "\uFFFD", "世界", " 🙂");
    }

    private static List<Integer> bytes(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        Integer[] out = new Integer[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            out[i] = utf8[i] & 0xff;
        }
        return List.of(out);
    }

    private WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private List<JsonNode> stream(String body) {
        String raw = post(body).expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();
        List<String> lines = Arrays.stream(raw.split("\n")).filter(l -> !l.isEmpty()).toList();
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        return lines.subList(0, lines.size() - 1).stream().map(l -> json.readTree(l.substring("data: ".length()))).toList();
    }
}
