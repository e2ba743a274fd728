package dev.llmplatform.gateway.chat;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.gateway.serving.ResponseFormat.ChoiceResult;
import dev.llmplatform.gateway.serving.ResponseFormat.Piece;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.serving.UsageBody;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chat with tools: what is refused (a 400 naming the parameter, nothing published), what is published (the tools for
 * the template, the constraint of one call for {@code required} or a named function), and the chat format's calls,
 * streamed (name first, then argument fragments) and whole ({@code message.tool_calls}, {@code finish_reason}).
 */
@WebFluxTest(controllers = ChatController.class, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class ChatToolsTest {

    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather in a city",
             "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
             {"type":"function","function":{"name":"get_time"}}]""";
    private static final String HI = "\"model\":\"tiny-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static final ResponseId ID = new ResponseId("chatcmpl-1", 1, "tiny-llama");

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
            `"tool_choice":"required"`                                                    | tool_choice
            `"tools":{"type":"function"}`                                                 | tools
            `"tools":[{"type":"retrieval"}]`                                              | tools[0].type
            `"tools":[{"type":"function","function":{"name":"a b"}}]`                     | tools[0].function.name
            `"tools":[{"type":"function","function":{"name":"f","parameters":[1]}}]`      | tools[0].function.parameters
            `"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"array","uniqueItems":true}}}}}],"tool_choice":"required"` | tools[0].function.parameters
            `TOOLS,"tool_choice":"sometimes"`                                             | tool_choice
            `TOOLS,"tool_choice":{"type":"function","function":{"name":"get_news"}}`      | tool_choice.function.name
            `TOOLS,"tool_choice":"required","response_format":{"type":"json_object"}`     | tool_choice
            """)
    void shouldRefuseBadToolParametersNamingThem(String extra, String param) {
        post("{" + HI + "," + extra.replace("TOOLS", TOOLS) + "}")
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo(param);
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void shouldRefuseAToolMessageAnsweringAnUnknownCall() {
        post("""
                {"model":"tiny-llama","messages":[{"role":"user","content":"hi"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                  "function":{"name":"get_time","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_2","content":"noon"}]}""")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("messages[2].tool_call_id");
    }

    @Test
    void shouldPublishTheToolsAndTheCallsOfTheConversation() {
        post("""
                {"model":"tiny-llama",%s,"messages":[{"role":"user","content":"hi"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                  "function":{"name":"get_time","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"noon"}]}""".formatted(TOOLS))
                .expectStatus().isOk();

        GenerationRequest request = backend.requests().getFirst();
        assertThat(request.tools()).hasSize(2);
        assertThat(request.messages().get(1).toolCalls().getFirst().name()).isEqualTo("get_time");
        assertThat(request.messages().get(2).toolCallId()).isEqualTo("call_1");
        assertThat(request.sampling().constraint().kind()).as("auto forces no call, it guards the ones that start")
                .isEqualTo(OutputConstraint.Kind.TOOL_CALLS_OR_TEXT);
    }

    @Test
    void shouldConstrainTheOutputToOneCallOfTheNamedFunctionInHermesFormat() throws Exception {
        post("{" + HI + "," + TOOLS + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}}")
                .expectStatus().isOk();

        OutputConstraint constraint = backend.requests().getFirst().sampling().constraint();
        assertThat(constraint.kind()).isEqualTo(OutputConstraint.Kind.TOOL_CALL);
        JsonNode alternatives = json.readTree(constraint.value());
        assertThat(alternatives).hasSize(1);
        assertThat(alternatives.get(0).get("before").asString())
                .isEqualTo("<tool_call>{\"name\":\"get_weather\",\"arguments\":");
        assertThat(alternatives.get(0).get("after").asString()).isEqualTo("}</tool_call>");
        assertThat(alternatives.get(0).get("schema").get("required").get(0).asString()).isEqualTo("city");
    }

    @Test
    void shouldGuardCallsUnderAutoUnlessAResponseFormatIsWhatTheOutputMustBe() throws Exception {
        post("{" + HI + "," + TOOLS + "}").expectStatus().isOk();
        OutputConstraint auto = backend.requests().getFirst().sampling().constraint();
        assertThat(auto.kind()).isEqualTo(OutputConstraint.Kind.TOOL_CALLS_OR_TEXT);
        assertThat(json.readTree(auto.value()).get("open").asString()).isEqualTo("<tool_call>");
        assertThat(json.readTree(auto.value()).get("alternatives")).hasSize(2);

        backend.clear();
        post("{" + HI + "," + TOOLS + ",\"tool_choice\":\"auto\",\"response_format\":{\"type\":\"json_object\"}}")
                .expectStatus().isOk();
        assertThat(backend.requests().getFirst().sampling().constraint().kind()).isEqualTo(OutputConstraint.Kind.JSON_OBJECT);
    }

    @Test
    void shouldNeitherListNorEnforceToolsForToolChoiceNone() {
        post("{" + HI + "," + TOOLS + ",\"tool_choice\":\"none\"}").expectStatus().isOk();

        assertThat(backend.requests().getFirst().tools()).isNull();
        assertThat(backend.requests().getFirst().sampling().constraint()).isNull();
    }

    @Test
    void shouldStreamTheCallsNameThenArgumentFragmentsThatMakeUpTheWholeArguments() {
        List<String> pieces = List.of("Checking", ". <tool_", "call>{\"name\":\"get_weather\",\"argu", "ments\":{\"ci",
                "ty\":\"Pa", "ris\"}}</tool_call>");
        String whole = String.join("", pieces);
        ChatFormat streamed = new ChatFormat(false, null, -1, "hermes");
        StringBuilder content = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        String name = null;
        String finish = null;
        for (int i = 0; i < pieces.size(); i++) {
            Object chunk = streamed.chunk(ID, new Piece(0, pieces.get(i), List.of(), 0,
                    i == pieces.size() - 1 ? "stop" : null));
            if (chunk == null) {
                continue;
            }
            JsonNode choice = json.valueToTree(chunk).get("choices").get(0);
            content.append(choice.path("delta").path("content").asString(""));
            for (JsonNode call : choice.path("delta").path("tool_calls")) {
                assertThat(call.get("index").asInt()).isZero();
                if (call.has("id")) {
                    assertThat(name).as("the name comes once, first").isNull();
                    assertThat(call.get("id").asString()).startsWith("call_");
                    assertThat(call.get("type").asString()).isEqualTo("function");
                    name = call.get("function").get("name").asString();
                }
                arguments.append(call.path("function").path("arguments").asString(""));
            }
            finish = choice.path("finish_reason").asString(null);
        }
        JsonNode message = json.valueToTree(new ChatFormat(false, null, -1, "hermes").response(ID,
                List.of(new ChoiceResult(0, whole, List.of(), "stop", List.of())), UsageBody.of(3, 9)))
                .get("choices").get(0);

        assertThat(content.toString()).isEqualTo("Checking. ");
        assertThat(name).isEqualTo("get_weather");
        assertThat(arguments.toString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(message.get("finish_reason").asString()).isEqualTo("tool_calls");
        assertThat(message.get("message").get("content").asString()).isEqualTo("Checking. ");
        JsonNode call = message.get("message").get("tool_calls").get(0);
        assertThat(call.get("function").get("name").asString()).isEqualTo("get_weather");
        assertThat(call.get("function").get("arguments").asString()).isEqualTo(arguments.toString());
    }

    @Test
    void shouldAnswerPlainTextAsBeforeWhenNoCallIsMade() {
        JsonNode choice = json.valueToTree(new ChatFormat(false, null, -1, "hermes").response(ID,
                List.of(new ChoiceResult(0, "It is sunny.", List.of(), "stop", List.of())), UsageBody.of(3, 9)))
                .get("choices").get(0);

        assertThat(choice.get("message").get("content").asString()).isEqualTo("It is sunny.");
        assertThat(choice.get("message").has("tool_calls")).isFalse();
        assertThat(choice.get("finish_reason").asString()).isEqualTo("stop");
    }

    private WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
