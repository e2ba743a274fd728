package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ChatMessage;
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
import java.util.ArrayList;
import java.util.List;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/responses}: what is published, OpenAI's response object whole, its named stream events,
 * storage with retrieve, delete and {@code previous_response_id}.
 */
@WebFluxTest(controllers = ResponsesController.class, properties = "spring.config.name=gateway")
@Import({SliceTestBackend.class, ResponsesService.class})
class ResponsesApiTest {

    /** The scripted answer (Replies.scripted): four pieces, cut by the length limit. */
    static final String ANSWER = "Hello, 世界 🙂";

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
    void shouldPublishInstructionsThenTheInputAsChatMessages() {
        post("""
                {"model":"%s","instructions":"Be brief.","max_output_tokens":7,"temperature":0.5,"seed":3,
                 "chat_template_kwargs":{"enable_thinking":false},"input":[
                  {"role":"developer","content":"Use English."},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"Say"},{"type":"input_text","text":"hi"}]},
                  {"role":"assistant","content":[{"type":"output_text","text":"Hi!","annotations":[]}]},
                  {"role":"user","content":"Again"}]}""".formatted(MODEL)).expectStatus().isOk();

        var request = backend.requests().getFirst();
        assertThat(request.prompt()).isNull();
        assertThat(request.messages()).containsExactly(new ChatMessage("system", "Be brief."),
                new ChatMessage("system", "Use English."), new ChatMessage("user", "Say\nhi"),
                new ChatMessage("assistant", "Hi!"), new ChatMessage("user", "Again"));
        assertThat(request.maxTokens()).isEqualTo(7);
        assertThat(request.sampling().temperature()).isEqualTo(0.5);
        assertThat(request.sampling().seed()).isEqualTo(3L);
        assertThat(request.requestId()).startsWith("resp_");
        assertThat(request.chatTemplateKwargs()).containsEntry("enable_thinking", false);
    }

    @Test
    void shouldAnswerWithOpenAisResponseObject() {
        JsonNode body = whole("{\"model\":\"%s\",\"input\":\"Hi\",\"metadata\":{\"k\":\"v\"}}".formatted(MODEL));

        assertThat(body.get("id").asString()).startsWith("resp_");
        assertThat(body.get("object").asString()).isEqualTo("response");
        assertThat(body.get("model").asString()).isEqualTo(MODEL);
        assertThat(body.get("status").asString()).isEqualTo("incomplete");
        assertThat(body.at("/incomplete_details/reason").asString()).isEqualTo("max_output_tokens");
        assertThat(body.get("error").isNull()).isTrue();
        assertThat(body.get("store").asBoolean()).isTrue();
        assertThat(body.at("/text/format/type").asString()).isEqualTo("text");
        assertThat(body.at("/metadata/k").asString()).isEqualTo("v");
        JsonNode message = body.get("output").get(0);
        assertThat(message.get("type").asString()).isEqualTo("message");
        assertThat(message.get("id").asString()).startsWith("msg_");
        assertThat(message.get("role").asString()).isEqualTo("assistant");
        assertThat(message.get("status").asString()).isEqualTo("incomplete");
        assertThat(message.at("/content/0/type").asString()).isEqualTo("output_text");
        assertThat(message.at("/content/0/text").asString()).isEqualTo(ANSWER);
        assertThat(message.at("/content/0/annotations").isArray()).isTrue();
        JsonNode usage = body.get("usage");
        assertThat(usage.get("input_tokens").asInt()).isEqualTo(3);
        assertThat(usage.get("output_tokens").asInt()).isEqualTo(5);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(8);
        assertThat(usage.at("/output_tokens_details/reasoning_tokens").asInt()).isZero();
        assertThat(usage.at("/input_tokens_details/cached_tokens").asInt()).isZero();
    }

    @Test
    void shouldStreamOpenAisNamedEventsNumberedInOrder() {
        List<Sse> events = stream("{\"model\":\"%s\",\"input\":\"Hi\",\"stream\":true}".formatted(MODEL));

        assertThat(events.stream().map(Sse::name)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.incomplete");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).data().get("type").asString()).isEqualTo(events.get(i).name());
            assertThat(events.get(i).data().get("sequence_number").asInt()).isEqualTo(i);
        }
        assertThat(events.getFirst().data().at("/response/status").asString()).isEqualTo("in_progress");
        String itemId = events.get(2).data().at("/item/id").asString();
        StringBuilder streamed = new StringBuilder();
        events.stream().filter(e -> e.name().equals("response.output_text.delta")).forEach(e -> {
            assertThat(e.data().get("item_id").asString()).isEqualTo(itemId);
            assertThat(e.data().get("output_index").asInt()).isZero();
            streamed.append(e.data().get("delta").asString());
        });
        assertThat(streamed.toString()).isEqualTo(ANSWER);
        assertThat(events.get(8).data().get("text").asString()).isEqualTo(ANSWER);
        JsonNode last = events.getLast().data().get("response");
        assertThat(last.at("/output/0/content/0/text").asString()).isEqualTo(ANSWER);
        assertThat(last.at("/usage/total_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void shouldCarryEachTokensLogprobsWhenIncludeAsksForThem() {
        JsonNode body = whole("""
                {"model":"%s","input":"Hi","include":["message.output_text.logprobs"],"top_logprobs":2}"""
                .formatted(MODEL));

        JsonNode logprobs = body.at("/output/0/content/0/logprobs");
        assertThat(logprobs.size()).isEqualTo(5);   // five tokens; the one holding half a character is carried on
        assertThat(logprobs.get(0).get("token").asString()).isEqualTo("Hello");
        assertThat(logprobs.get(0).get("top_logprobs").size()).isEqualTo(2);
        assertThat(logprobs.get(0).get("bytes").size()).isEqualTo(5);
        assertThat(backend.requests().getFirst().sampling().logprobs()).isEqualTo(2);
    }

    @Test
    void shouldStreamEachDeltasLogprobsAndAllOfThemWhenTheTextIsDone() {
        List<Sse> events = stream("""
                {"model":"%s","input":"Hi","include":["message.output_text.logprobs"],"top_logprobs":1,"stream":true}"""
                .formatted(MODEL));

        List<String> streamedTokens = events.stream().filter(e -> e.name().equals("response.output_text.delta"))
                .flatMap(e -> e.data().get("logprobs").valueStream()).map(lp -> lp.get("token").asString()).toList();
        assertThat(streamedTokens).hasSize(5);
        JsonNode done = events.stream().filter(e -> e.name().equals("response.output_text.done")).findFirst()
                .orElseThrow().data();
        assertThat(done.get("logprobs").valueStream().map(lp -> lp.get("token").asString()).toList())
                .isEqualTo(streamedTokens);
    }

    @Test
    void shouldRetrieveAStoredResponseThenDeleteIt() {
        JsonNode created = whole("{\"model\":\"%s\",\"input\":\"Hi\"}".formatted(MODEL));
        String id = created.get("id").asString();

        JsonNode stored = http.get().uri("/v1/responses/" + id).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(stored).isEqualTo(created);

        JsonNode deleted = http.delete().uri("/v1/responses/" + id).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertThat(deleted.get("object").asString()).isEqualTo("response.deleted");
        JsonNode error = http.get().uri("/v1/responses/" + id).exchange().expectStatus().isNotFound()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("error");
        assertThat(error.get("message").asString()).contains(id);
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        http.delete().uri("/v1/responses/" + id).exchange().expectStatus().isNotFound();
    }

    @Test
    void shouldKeepNothingWhenStoreIsFalse() {
        JsonNode created = whole("{\"model\":\"%s\",\"input\":\"Hi\",\"store\":false}".formatted(MODEL));

        assertThat(created.get("store").asBoolean()).isFalse();
        http.get().uri("/v1/responses/" + created.get("id").asString()).exchange().expectStatus().isNotFound();
    }

    @Test
    void shouldPrependThePreviousResponsesInputAndOutputButNotItsInstructions() {
        String first = whole("{\"model\":\"%s\",\"instructions\":\"Old.\",\"input\":\"Hi\",\"stream\":false}"
                .formatted(MODEL)).get("id").asString();
        List<Sse> events = stream("{\"model\":\"%s\",\"instructions\":\"New.\",\"previous_response_id\":\"%s\",\"input\":\"More\",\"stream\":true}"
                .formatted(MODEL, first));
        String second = events.getLast().data().at("/response/id").asString();
        assertThat(events.getLast().data().at("/response/previous_response_id").asString()).isEqualTo(first);
        whole("{\"model\":\"%s\",\"previous_response_id\":\"%s\",\"input\":\"Last\"}".formatted(MODEL, second));

        assertThat(backend.requests().get(1).messages()).containsExactly(new ChatMessage("system", "New."),
                new ChatMessage("user", "Hi"), new ChatMessage("assistant", ANSWER), new ChatMessage("user", "More"));
        assertThat(backend.requests().get(2).messages()).containsExactly(new ChatMessage("user", "Hi"),
                new ChatMessage("assistant", ANSWER), new ChatMessage("user", "More"),
                new ChatMessage("assistant", ANSWER), new ChatMessage("user", "Last"));
    }

    @Test
    void shouldPublishFunctionToolsAsChatsAndTheCallsAndOutputsOfTheInputAsChatTurns() throws Exception {
        JsonNode body = whole("""
                {"model":"%s","tools":[{"type":"function","name":"get_weather","description":"Weather in a city",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}],
                 "tool_choice":{"type":"function","name":"get_weather"},"input":[
                  {"role":"user","content":"Weather?"},
                  {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                  {"type":"function_call","call_id":"call_2","name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"},
                  {"type":"function_call_output","call_id":"call_1","output":"sunny"},
                  {"type":"function_call_output","call_id":"call_2","output":"rain"}]}""".formatted(MODEL));

        var request = backend.requests().getFirst();
        assertThat(request.tools()).singleElement().satisfies(tool -> {
            assertThat(tool.get("type")).isEqualTo("function");
            assertThat(((java.util.Map<?, ?>) tool.get("function")).get("name")).isEqualTo("get_weather");
        });
        assertThat(request.messages()).containsExactly(new ChatMessage("user", "Weather?"),
                new ChatMessage("assistant", "", List.of(new ChatMessage.ToolCall("call_1", "get_weather",
                        "{\"city\":\"Paris\"}"), new ChatMessage.ToolCall("call_2", "get_weather", "{\"city\":\"Rome\"}")),
                        null),
                new ChatMessage("tool", "sunny", null, "call_1"), new ChatMessage("tool", "rain", null, "call_2"));
        JsonNode alternatives = json.readTree(request.sampling().constraint().value());
        assertThat(alternatives.get(0).get("before").asString()).isEqualTo("<tool_call>{\"name\":\"get_weather\",\"arguments\":");
        assertThat(body.at("/tool_choice/name").asString()).isEqualTo("get_weather");
        assertThat(body.at("/tools/0/name").asString()).isEqualTo("get_weather");
        assertThat(body.at("/tools/0/strict").asBoolean()).isTrue();
    }

    @Test
    void shouldNeitherListNorEnforceToolsForToolChoiceNone() {
        whole("{\"model\":\"%s\",\"input\":\"Hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],\"tool_choice\":\"none\"}"
                .formatted(MODEL));

        assertThat(backend.requests().getFirst().tools()).isNull();
        assertThat(backend.requests().getFirst().sampling().constraint()).isNull();
    }

    @Test
    void shouldAnswerAnUnknownPreviousResponseWith404NamingIt() {
        JsonNode error = post("{\"model\":\"%s\",\"previous_response_id\":\"resp_nope\",\"input\":\"Hi\"}".formatted(MODEL))
                .expectStatus().isNotFound().expectBody(JsonNode.class).returnResult().getResponseBody().get("error");

        assertThat(error.get("param").asString()).isEqualTo("previous_response_id");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void shouldAnswerAFailureBeforeAnyOutputWithAnHttpErrorNotAStream() {
        post("{\"model\":\"%s\",\"input\":\"too-long prompt\",\"stream\":true}".formatted(MODEL))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("prompt");
    }

    @Test
    void shouldEndAStreamThatFailsMidwayWithResponseFailed() {
        List<Sse> events = stream("{\"model\":\"%s\",\"input\":\"fail-midway\",\"stream\":true}".formatted(MODEL));

        Sse last = events.getLast();
        assertThat(last.name()).isEqualTo("response.failed");
        assertThat(last.data().at("/response/status").asString()).isEqualTo("failed");
        assertThat(last.data().at("/response/error/code").asString()).isEqualTo("server_error");
        assertThat(last.data().at("/response/error/message").asString()).contains("engine failed");
        assertThat(last.data().get("sequence_number").asInt()).isEqualTo(events.size() - 1);
    }

    WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/v1/responses").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    JsonNode whole(String body) {
        return post(body).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    record Sse(String name, JsonNode data) {
    }

    /** The raw event stream, parsed as a client would: {@code event:} and {@code data:} lines, blank-line separated. */
    List<Sse> stream(String body) {
        byte[] raw = post(body).expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody().returnResult().getResponseBody();
        String text = new String(raw, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("[DONE]");
        List<Sse> events = new ArrayList<>();
        for (String block : text.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            events.add(new Sse(lines[0].substring("event: ".length()), json.readTree(lines[1].substring("data: ".length()))));
        }
        return events;
    }
}
