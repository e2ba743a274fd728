package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.GenerationRequest;
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

import java.util.ArrayList;
import java.util.List;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/messages} and {@code /v1/messages/count_tokens} on the scripted back end: the conversation
 * published on the chat path, and Anthropic's message, event stream and errors coming back.
 */
@WebFluxTest(controllers = MessagesController.class, properties = "spring.config.name=gateway")
@Import({SliceTestBackend.class, MessagesService.class, AnthropicErrors.class})
class MessagesApiTest {

    /** The scripted reply ("Hello, 世界 🙂" in five tokens, ended by length) for any other first word. */
    private static final String SCRIPTED_TEXT = "Hello, 世界 🙂";
    private static final String CONVERSATION = """
            "system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Be kind.","cache_control":{"type":"ephemeral"}}],
            "messages":[{"role":"user","content":"Hi"},{"role":"user","content":[{"type":"text","text":"there"}]},
                        {"role":"assistant","content":"Hello!"},{"role":"user","content":"Say hello"}]""";

    /** {@link #CONVERSATION} as the scripted tokenizer sees it: one token per character. */
    private static final String RENDERED = "system:Be brief.\nBe kind.|user:Hi\nthere|assistant:Hello!|user:Say hello";

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
    void shouldPublishSystemAndTurnsAsAChatConversationWithAnthropicsSampling() {
        post("/v1/messages", """
                {"model":"%s",%s,"max_tokens":5,"temperature":0,"top_k":3,"top_p":0.5,"stop_sequences":["\\n\\n"],
                 "metadata":{"user_id":"u-1"}}""".formatted(MODEL, CONVERSATION)).expectStatus().isOk();

        GenerationRequest published = backend.requests().getFirst();
        assertThat(published.prompt()).isNull();
        assertThat(published.messages()).containsExactly(new ChatMessage("system", "Be brief.\nBe kind."),
                new ChatMessage("user", "Hi\nthere"), new ChatMessage("assistant", "Hello!"),
                new ChatMessage("user", "Say hello"));
        assertThat(published.maxTokens()).isEqualTo(5);
        assertThat(published.stop()).containsExactly("\n\n");
        assertThat(published.sampling().temperature()).isZero();
        assertThat(published.sampling().topK()).isEqualTo(3);
        assertThat(published.sampling().topP()).isEqualTo(0.5);
    }

    @Test
    void shouldAnswerAWholeMessageInAnthropicsShape() {
        JsonNode message = post("/v1/messages", "{\"model\":\"%s\",%s,\"max_tokens\":5}".formatted(MODEL, CONVERSATION))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(message.get("id").asString()).startsWith("msg_");
        assertThat(message.get("type").asString()).isEqualTo("message");
        assertThat(message.get("role").asString()).isEqualTo("assistant");
        assertThat(message.get("model").asString()).isEqualTo(MODEL);
        assertThat(message.get("content")).hasSize(1);
        assertThat(message.get("content").get(0).get("type").asString()).isEqualTo("text");
        assertThat(message.get("content").get(0).get("text").asString()).isEqualTo(SCRIPTED_TEXT);
        assertThat(message.get("stop_reason").asString()).isEqualTo("max_tokens");
        assertThat(message.get("stop_sequence").isNull()).isTrue();
        assertThat(message.get("usage").get("input_tokens").asInt()).isEqualTo(3);
        assertThat(message.get("usage").get("output_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void shouldSayTheContextEndedAnAnswerShorterThanMaxTokens() {
        JsonNode message = post("/v1/messages", "{\"model\":\"%s\",%s,\"max_tokens\":9}".formatted(MODEL, CONVERSATION))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(message.get("stop_reason").asString()).isEqualTo("model_context_window_exceeded");
    }

    @Test
    void shouldStreamAnthropicsNamedEventsWhoseTextIsTheWholeAnswer() {
        List<Sse> events = stream("{\"model\":\"%s\",%s,\"max_tokens\":5,\"stream\":true}".formatted(MODEL, CONVERSATION));

        List<String> names = events.stream().map(Sse::name).toList();
        assertThat(names.subList(0, 3)).containsExactly("message_start", "ping", "content_block_start");
        assertThat(names.subList(names.size() - 3, names.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(names.subList(3, names.size() - 3)).isNotEmpty().allMatch("content_block_delta"::equals);
        assertThat(events).allSatisfy(e -> assertThat(e.data().get("type").asString()).isEqualTo(e.name()));

        JsonNode start = events.getFirst().data().get("message");
        assertThat(start.get("id").asString()).startsWith("msg_");
        assertThat(start.get("content")).isEmpty();
        assertThat(start.get("stop_reason").isNull()).isTrue();
        // The tokenizer's count of the rendered conversation (the scripted tokenizer: one token per character).
        assertThat(start.get("usage").get("input_tokens").asInt()).isEqualTo(RENDERED.codePointCount(0, RENDERED.length()));
        assertThat(events.get(2).data().get("content_block").get("type").asString()).isEqualTo("text");
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals("content_block_delta")).forEach(e -> {
            assertThat(e.data().get("index").asInt()).isZero();
            assertThat(e.data().get("delta").get("type").asString()).isEqualTo("text_delta");
            text.append(e.data().get("delta").get("text").asString());
        });
        assertThat(text.toString()).isEqualTo(SCRIPTED_TEXT);
        JsonNode delta = events.get(names.size() - 2).data();
        assertThat(delta.get("delta").get("stop_reason").asString()).isEqualTo("max_tokens");
        assertThat(delta.get("delta").get("stop_sequence").isNull()).isTrue();
        assertThat(delta.get("usage").get("output_tokens").asInt()).isEqualTo(5);
        assertThat(delta.get("usage").get("input_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void shouldAnswerAStreamFailedBeforeItsFirstEventWithAnHttpErrorInAnthropicsShape() {
        post("/v1/messages", """
                {"model":"%s","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"too-long prompt"}]}"""
                .formatted(MODEL))
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("error")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("maximum context length"));
    }

    @Test
    void shouldEndAStreamThatFailsMidwayWithAnErrorEvent() {
        List<Sse> events = stream("""
                {"model":"%s","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"fail-midway now"}]}"""
                .formatted(MODEL));

        assertThat(events.getFirst().name()).isEqualTo("message_start");
        Sse last = events.getLast();
        assertThat(last.name()).isEqualTo("error");
        assertThat(last.data().get("type").asString()).isEqualTo("error");
        assertThat(last.data().get("error").get("type").asString()).isEqualTo("api_error");
        assertThat(last.data().get("error").get("message").asString()).isEqualTo("the engine failed");
        assertThat(events).noneMatch(e -> e.name().equals("message_stop"));
    }

    @Test
    void shouldCountTheTokensOfTheRenderedConversation() {
        JsonNode count = post("/v1/messages/count_tokens", "{\"model\":\"%s\",%s}".formatted(MODEL, CONVERSATION))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(count.get("input_tokens").asInt()).isEqualTo(RENDERED.codePointCount(0, RENDERED.length()));
        assertThat(backend.requests()).as("counting generates nothing").isEmpty();
    }

    @Test
    void shouldAcceptTheAnthropicVersionHeader() {
        http.post().uri("/v1/messages").contentType(MediaType.APPLICATION_JSON).header("anthropic-version", "2023-06-01")
                .bodyValue("{\"model\":\"%s\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"
                        .formatted(MODEL))
                .exchange().expectStatus().isOk();
    }

    private WebTestClient.ResponseSpec post(String path, String body) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private List<Sse> stream(String body) {
        String raw = post("/v1/messages", body).expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();
        List<Sse> events = new ArrayList<>();
        for (String block : raw.split("\n\n")) {
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring("event: ".length());
                } else if (line.startsWith("data: ")) {
                    data = line.substring("data: ".length());
                }
            }
            if (name != null) {
                events.add(new Sse(name, json.readTree(data)));
            }
        }
        return events;
    }

    private record Sse(String name, JsonNode data) {
    }
}
