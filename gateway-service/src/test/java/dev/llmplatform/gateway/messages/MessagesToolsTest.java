package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessageResponse;
import dev.llmplatform.gateway.messages.MessagesProtocol.TextBlock;
import dev.llmplatform.gateway.messages.MessagesProtocol.ToolUseBlock;
import dev.llmplatform.gateway.reasoning.ReasoningParsers;
import dev.llmplatform.gateway.serving.IndexedEvent;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.support.Replies;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import dev.llmplatform.gateway.tools.ToolCallParsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tools on {@code /v1/messages}, mapped onto chat's: Anthropic's tools and tool_choice published as chat's (the
 * constraint of one call for {@code any} or a named tool), {@code tool_use}/{@code tool_result} blocks as chat's
 * tool calls and tool turns, what is refused (a 400 naming Anthropic's field), and an answer's calls as
 * {@code tool_use} blocks, whole and streamed ({@code input_json_delta}), with {@code stop_reason: tool_use}.
 */
@WebFluxTest(controllers = MessagesController.class, properties = "spring.config.name=gateway")
@Import({SliceTestBackend.class, MessagesService.class, AnthropicErrors.class})
class MessagesToolsTest {

    private static final String TOOLS = """
            "tools":[{"name":"get_weather","description":"Weather in a city",
             "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
             {"name":"get_time","input_schema":{"type":"object"}}]""";
    private static final String HI = "\"model\":\"" + MODEL + "\",\"max_tokens\":5,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static final String CALL = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";

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

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `,"tools":{"name":"f"}`                                                                  | tools
            `,"tools":[{"name":"f"}]`                                                                | tools.0.input_schema
            `,"tools":[{"name":"f","input_schema":{"type":"string"}}]`                               | tools.0.input_schema.type
            `,"tools":[{"name":"a b","input_schema":{"type":"object"}}]`                             | tools.0.name
            `,"tools":[{"type":"web_search_20250305","name":"web_search"}]`                          | tools.0.type
            `,"tools":[{"name":"f","input_schema":{"type":"object"},"extra":1}]`                     | tools.0.extra
            `,"tools":[{"name":"f","input_schema":{"type":"object"}},{"name":"f","input_schema":{"type":"object"}}]` | tools.1.name
            `,"tool_choice":{"type":"any"}`                                                          | tool_choice
            `,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":"any"`           | tool_choice
            `,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"some"}` | tool_choice.type
            `,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool"}` | tool_choice.name
            `,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"g"}` | tool_choice.name
            `,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"auto","x":1}` | tool_choice.x
            """)
    void shouldRefuseToolsNamingAnthropicsField(String extra, String field) {
        refused("{" + HI + extra + "}", field);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":"1"}]}]` | messages.2.content.0.tool_use_id
            `[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"1"}]}]`  | messages.0.content.0.tool_use_id
            `[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f"}]},{"role":"user","content":"x"}]` | messages.1.content.0.input
            `[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","name":"f","input":{}}]},{"role":"user","content":"x"}]` | messages.1.content.0.id
            `[{"role":"user","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]}]`       | messages.0.content.0.type
            `[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"image"}]}]}]` | messages.2.content.0.content.0.type
            """)
    void shouldRefuseToolBlocksNamingTheField(String messages, String field) {
        refused("{\"model\":\"" + MODEL + "\",\"max_tokens\":5,\"messages\":" + messages + "}", field);
    }

    @Test
    void shouldPublishAnthropicsToolsAsChatsFunctionToolsWithCallsGuardedForAuto() {
        post("{" + HI + "," + TOOLS + ",\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true}}")
                .expectStatus().isOk();

        GenerationRequest request = backend.requests().getFirst();
        assertThat(request.tools()).hasSize(2);
        JsonNode first = json.valueToTree(request.tools().getFirst());
        assertThat(first.get("type").asString()).isEqualTo("function");
        assertThat(first.at("/function/name").asString()).isEqualTo("get_weather");
        assertThat(first.at("/function/description").asString()).isEqualTo("Weather in a city");
        assertThat(first.at("/function/parameters/required/0").asString()).isEqualTo("city");
        assertThat(request.sampling().constraint().kind()).as("text, or calls held to their schemas once they start")
                .isEqualTo(OutputConstraint.Kind.TOOL_CALLS_OR_TEXT);
    }

    @Test
    void shouldEnforceOneCallOfTheNamedToolAndOfAnyToolForAny() {
        post("{" + HI + "," + TOOLS + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"}}").expectStatus().isOk();
        OutputConstraint named = backend.requests().getFirst().sampling().constraint();
        assertThat(named.kind()).isEqualTo(OutputConstraint.Kind.TOOL_CALL);
        assertThat(json.readTree(named.value())).hasSize(1);
        assertThat(named.value()).contains("get_weather").doesNotContain("get_time");

        backend.clear();
        post("{" + HI + "," + TOOLS + ",\"tool_choice\":{\"type\":\"any\"}}").expectStatus().isOk();
        assertThat(json.readTree(backend.requests().getFirst().sampling().constraint().value())).hasSize(2);

        backend.clear();
        post("{" + HI + "," + TOOLS + ",\"tool_choice\":{\"type\":\"none\"}}").expectStatus().isOk();
        assertThat(backend.requests().getFirst().tools()).isNull();
        assertThat(backend.requests().getFirst().sampling().constraint()).isNull();
    }

    @Test
    void shouldPublishToolUseAndToolResultBlocksAsChatsToolCallsAndToolTurns() {
        post("""
                {"model":"%s","max_tokens":5,%s,"messages":[
                 {"role":"user","content":"Weather in Paris?"},
                 {"role":"assistant","content":[{"type":"text","text":"Let me look."},
                   {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"Sunny"}]},
                   {"type":"text","text":"And so?"}]}]}""".formatted(MODEL, TOOLS)).expectStatus().isOk();

        assertThat(backend.requests().getFirst().messages()).containsExactly(
                new ChatMessage("user", "Weather in Paris?"),
                new ChatMessage("assistant", "Let me look.",
                        List.of(new ChatMessage.ToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}")), null),
                new ChatMessage("tool", "Sunny", null, "toolu_1"),
                new ChatMessage("user", "And so?"));
    }

    @Test
    void shouldAnswerACallAsAToolUseBlockWithStopReasonToolUse() {
        MessageResponse message = WholeMessage.of(events(), new ResponseId("msg_1", 1, MODEL), 50,
                ReasoningParsers.create(null, false), true, ToolCallParsers.splitter(null)).block();

        assertThat(message.stopReason()).isEqualTo("tool_use");
        assertThat(message.content()).hasSize(2);
        assertThat(message.content().get(0)).isEqualTo(TextBlock.of("Sure. "));
        ToolUseBlock call = (ToolUseBlock) message.content().get(1);
        assertThat(call.type()).isEqualTo("tool_use");
        assertThat(call.id()).matches("toolu_[A-Za-z0-9]{24}");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.input().get("city").asString()).isEqualTo("Paris");
        assertThat(json.writeValueAsString(call)).contains("\"input\":{\"city\":\"Paris\"}");
    }

    @Test
    void shouldStreamACallAsAToolUseBlockWithInputJsonDeltas() {
        List<JsonNode> events = MessageStream.render(events(), Mono.just(3), new ResponseId("msg_1", 1, MODEL), 50,
                        ReasoningParsers.create(null, false), true, ToolCallParsers.splitter(null), json)
                .map(ServerSentEvent::data).map(data -> json.readTree(data.strip())).collectList().block();

        JsonNode start = events.stream().filter(e -> e.get("type").asString().equals("content_block_start")
                && e.at("/content_block/type").asString().equals("tool_use")).findFirst().orElseThrow();
        assertThat(start.get("index").asInt()).isEqualTo(1);
        assertThat(start.at("/content_block/name").asString()).isEqualTo("get_weather");
        assertThat(start.at("/content_block/id").asString()).startsWith("toolu_");
        assertThat(start.at("/content_block/input").isObject()).isTrue();
        assertThat(start.at("/content_block/input")).isEmpty();
        StringBuilder input = new StringBuilder();
        events.stream().filter(e -> e.get("type").asString().equals("content_block_delta")
                && e.get("index").asInt() == 1).forEach(e -> {
            assertThat(e.at("/delta/type").asString()).isEqualTo("input_json_delta");
            input.append(e.at("/delta/partial_json").asString());
        });
        assertThat(json.readTree(input.toString())).isEqualTo(json.readTree("{\"city\":\"Paris\"}"));
        assertThat(events.stream().filter(e -> e.get("type").asString().equals("content_block_stop"))).hasSize(2);
        JsonNode delta = events.stream().filter(e -> e.get("type").asString().equals("message_delta")).findFirst()
                .orElseThrow();
        assertThat(delta.at("/delta/stop_reason").asString()).isEqualTo("tool_use");
    }

    /** "Sure. " then a hermes call in small pieces, stopped by the model. */
    private static Flux<IndexedEvent> events() {
        String text = "Sure. " + CALL;
        List<IndexedEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < text.length(); i += 7) {
            events.add(new IndexedEvent(0, Replies.delta("r", text.substring(i, Math.min(text.length(), i + 7)), i)));
        }
        events.add(new IndexedEvent(0, Replies.completed("r", "", FinishReason.STOP, new Usage(3, 20))));
        return Flux.fromIterable(events);
    }

    private void refused(String body, String field) {
        post(body).expectStatus().isBadRequest().expectBody()
                .jsonPath("$.type").isEqualTo("error")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).startsWith(field + ":"));
        assertThat(backend.requests()).as("nothing may be published for a refused request").isEmpty();
    }

    private WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/v1/messages").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
