package dev.llmplatform.launcher;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseReasoningItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ResponseTextDeltaEvent;
import com.openai.models.responses.ToolChoiceFunction;
import com.openai.models.responses.ToolChoiceOptions;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.contracts.Messages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code /v1/responses} on the real platform (broker, four services, the default model), driven by
 * the official OpenAI Java client's Responses API: whole, streamed, continued with
 * {@code previous_response_id}, retrieved and deleted, refused with OpenAI's 400, a thinking model's
 * reasoning as its own output item, and function tools: a named or required call whose arguments fit the tool's
 * schema, whole and streamed, and its {@code function_call_output} sent back and answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponsesEndToEndTest {

    private static final String MODEL = CompletionContract.model();
    /** The random-weight decoder with 256 tokens of context: a round trip (call, output, answer) is kept off the starter's small context. */
    private static final String LONGER = DefaultModels.RANDOM_MODEL;

    enum Mood { HAPPY, SAD, CALM }

    /** One short tool: the starter's context is 256 tokens, prompt and answer together. */
    record Pick(Mood mood) {
    }

    private PlatformUnderTest platform;
    private OpenAIClient openAi;

    /** The platform's store holds the default model and {@link ThinkingModel}, which thinks before it answers. */
    @BeforeAll
    void start() throws IOException {
        Path dataDir = Files.createTempDirectory("llm-platform-responses-");
        ThinkingModel.write(dataDir.resolve("models"));
        platform = PlatformUnderTest.start(dataDir, null, Map.of());
        openAi = OpenAIOkHttpClient.builder().baseUrl(platform.baseUrl() + "/v1").apiKey("sk-any").build();
    }

    @AfterAll
    void stop() {
        if (openAi != null) {
            openAi.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldStreamExactlyTheTextOfTheWholeResponseForTheSameSeed() {
        ResponseCreateParams params = ResponseCreateParams.builder().model(MODEL)
                .instructions("Answer briefly.").input("Tell me a story about a fox")
                .maxOutputTokens(16L).temperature(0.9).topP(0.95)
                .putAdditionalBodyProperty("seed", JsonValue.from(1234)).build();

        Response whole = openAi.responses().create(params);
        whole.validate();   // every field the client requires is there, with its type
        String text = text(whole);
        assertThat(whole.id()).startsWith("resp_");
        assertThat(whole.status()).hasValueSatisfying(status ->
                assertThat(status).isIn(ResponseStatus.COMPLETED, ResponseStatus.INCOMPLETE));
        var usage = whole.usage().orElseThrow();
        assertThat(usage.inputTokens()).isPositive();
        assertThat(usage.outputTokens()).isBetween(1L, 16L);
        assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
        assertThat(usage.outputTokensDetails().reasoningTokens()).isZero();

        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> stream = openAi.responses().createStreaming(params)) {
            events = stream.stream().toList();
        }
        events.forEach(ResponseStreamEvent::validate);
        assertThat(events.getFirst().isCreated()).isTrue();
        assertThat(events.get(1).isInProgress()).isTrue();
        ResponseStreamEvent last = events.getLast();
        assertThat(last.isCompleted() || last.isIncomplete()).as("ends completed or incomplete").isTrue();
        String streamed = events.stream().flatMap(e -> e.outputTextDelta().stream())
                .map(ResponseTextDeltaEvent::delta).collect(Collectors.joining());
        assertThat(streamed).as("same seed: the stream writes what the whole response wrote").isEqualTo(text);
        Response finished = last.isCompleted() ? last.asCompleted().response() : last.asIncomplete().response();
        assertThat(text(finished)).isEqualTo(text);
        assertThat(finished.usage().orElseThrow().outputTokens()).isEqualTo(usage.outputTokens());
        assertThat(events.stream().map(ResponsesEndToEndTest::sequenceNumber).toList())
                .isEqualTo(java.util.stream.LongStream.range(0, events.size()).boxed().toList());
    }

    @Test
    void shouldContinueAStoredResponseAsTheChatOfItsConversationWouldAndForgetItOnDelete() {
        Response first = openAi.responses().create(ResponseCreateParams.builder().model(MODEL)
                .input("Once upon a time").maxOutputTokens(8L).temperature(0.0).build());
        String firstText = text(first);

        Response followUp = openAi.responses().create(ResponseCreateParams.builder().model(MODEL)
                .previousResponseId(first.id()).input("What happened next?").maxOutputTokens(8L).temperature(0.0).build());
        assertThat(followUp.previousResponseId()).hasValue(first.id());

        // The same conversation as a chat completion: the same prompt, so the same greedy answer.
        ChatCompletion chat = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("Once upon a time").addAssistantMessage(firstText)
                .addUserMessage("What happened next?").maxCompletionTokens(8L).temperature(0.0).build());
        assertThat(followUp.usage().orElseThrow().inputTokens())
                .isEqualTo(chat.usage().orElseThrow().promptTokens());
        assertThat(text(followUp)).isEqualTo(chat.choices().getFirst().message().content().orElseThrow());

        Response retrieved = openAi.responses().retrieve(followUp.id());
        assertThat(retrieved.id()).isEqualTo(followUp.id());
        assertThat(text(retrieved)).isEqualTo(text(followUp));
        openAi.responses().delete(followUp.id());
        assertThatThrownBy(() -> openAi.responses().retrieve(followUp.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void shouldConstrainTheOutputToTextFormatsJsonSchema() {
        HttpResponse<String> answer = platform.post("/v1/responses", """
                {"model":"%s","input":"The animal","max_output_tokens":100,"temperature":0,
                 "text":{"format":{"type":"json_schema","name":"verdict","strict":true,"schema":{"type":"object",
                   "properties":{"tired":{"type":"boolean"},"who":{"type":"string","maxLength":12}},
                   "required":["tired","who"],"additionalProperties":false}}}}""".formatted(MODEL));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode response = Messages.mapper().readTree(answer.body());
        JsonNode verdict = Messages.mapper().readTree(response.at("/output/0/content/0/text").asString());
        assertThat(verdict.get("tired").isBoolean()).isTrue();
        assertThat(verdict.get("who").asString().length()).isLessThanOrEqualTo(12);

        // Any JSON object: the official client's shape is accepted and the output opens an object (an untyped
        // object may run to max_output_tokens, so only its start is checked).
        Response jsonObject = openAi.responses().create(ResponseCreateParams.builder().model(MODEL).input("The animal")
                .maxOutputTokens(8L).temperature(0.0)
                .text(ResponseTextConfig.builder().format(ResponseFormatJsonObject.builder().build()).build()).build());
        assertThat(text(jsonObject)).startsWith("{");
    }

    @Test
    void shouldRefuseWhatIsNotSupportedYetWithA400NamingTheParameter() {
        HttpResponse<String> tools = platform.post("/v1/responses", """
                {"model":"%s","input":"Hi","tools":[{"type":"web_search"}]}""".formatted(MODEL));
        assertThat(tools.statusCode()).isEqualTo(400);
        JsonNode error = Messages.mapper().readTree(tools.body()).get("error");
        assertThat(error.get("param").asString()).isEqualTo("tools[0].type");
        assertThat(error.get("message").asString()).contains("web_search");

        HttpResponse<String> unknown = platform.post("/v1/responses", """
                {"model":"%s","input":"Hi","frobnicate":true}""".formatted(MODEL));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(Messages.mapper().readTree(unknown.body()).at("/error/param").asString()).isEqualTo("frobnicate");
    }

    @Test
    void shouldGiveAThinkingModelsThinkBlockAsAReasoningItemBeforeTheMessageWholeAndStreamed() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                platform.get("/v1/models/" + ThinkingModel.NAME).body().contains("\"state\":\"ready\""));
        ResponseCreateParams params = ResponseCreateParams.builder().model(ThinkingModel.NAME)
                .input("What is two and two?").maxOutputTokens(64L).temperature(0.0).build();

        Response whole = openAi.responses().create(params);
        whole.validate();
        assertThat(whole.status()).hasValue(ResponseStatus.COMPLETED);
        ResponseReasoningItem reasoning = whole.output().getFirst().reasoning().orElseThrow();
        assertThat(reasoning.content().orElseThrow().getFirst().text()).isEqualTo(ThinkingModel.REASONING);
        assertThat(whole.output().get(1).isMessage()).isTrue();
        assertThat(text(whole)).isEqualTo(ThinkingModel.ANSWER);
        ChatCompletion chat = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(ThinkingModel.NAME).addUserMessage("What is two and two?").maxCompletionTokens(64L)
                .temperature(0.0).build());
        long chatReasoning = chat.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens()
                .orElseThrow();
        assertThat(chatReasoning).isPositive();
        assertThat(whole.usage().orElseThrow().outputTokensDetails().reasoningTokens())
                .as("reasoning tokens counted as chat counts them").isEqualTo(chatReasoning);
        assertThat(whole.usage().orElseThrow().outputTokens()).isEqualTo(chat.usage().orElseThrow().completionTokens());

        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> stream = openAi.responses().createStreaming(params)) {
            events = stream.stream().toList();
        }
        events.forEach(ResponseStreamEvent::validate);
        assertThat(events.stream().flatMap(e -> e.reasoningTextDelta().stream()).map(d -> d.delta())
                .collect(Collectors.joining())).isEqualTo(ThinkingModel.REASONING);
        assertThat(events.stream().flatMap(e -> e.outputTextDelta().stream()).map(ResponseTextDeltaEvent::delta)
                .collect(Collectors.joining())).isEqualTo(ThinkingModel.ANSWER);
        assertThat(events.stream().flatMap(e -> e.outputTextDelta().stream()).map(ResponseTextDeltaEvent::outputIndex)
                .distinct().toList()).containsExactly(1L);
        assertThat(events.getLast().isCompleted()).isTrue();
    }

    @Test
    void shouldCallTheNamedFunctionWithArgumentsOfItsSchemaWholeAndStreamed() {
        ResponseCreateParams params = ResponseCreateParams.builder().model(MODEL).input("Set the mood.")
                .addTool(Pick.class).toolChoice(ToolChoiceFunction.builder().name("Pick").build())
                .maxOutputTokens(80L).temperature(0.0).build();

        Response whole = openAi.responses().create(params);
        whole.validate();
        assertThat(whole.status()).as("%s", whole.output()).hasValue(ResponseStatus.COMPLETED);
        List<ResponseFunctionToolCall> calls = whole.output().stream().flatMap(item -> item.functionCall().stream())
                .toList();
        assertThat(calls).hasSize(1);
        ResponseFunctionToolCall call = calls.getFirst();
        assertThat(call.id()).hasValueSatisfying(id -> assertThat(id).startsWith("fc_"));
        assertThat(call.callId()).startsWith("call_");
        assertThat(call.name()).isEqualTo("Pick");
        assertThat(call.status()).hasValue(ResponseFunctionToolCall.Status.COMPLETED);
        JsonNode arguments = Messages.mapper().readTree(call.arguments());
        assertThat(arguments.propertyNames()).as("the schema's one property, nothing else").containsExactly("mood");
        assertThat(Messages.mapper().treeToValue(arguments, Pick.class).mood()).isNotNull();

        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> stream = openAi.responses().createStreaming(params)) {
            events = stream.stream().toList();
        }
        events.forEach(ResponseStreamEvent::validate);
        List<String> added = events.stream().flatMap(e -> e.outputItemAdded().stream())
                .flatMap(e -> e.item().functionCall().stream()).map(ResponseFunctionToolCall::name).toList();
        assertThat(added).containsExactly("Pick");
        String deltas = events.stream().flatMap(e -> e.functionCallArgumentsDelta().stream()).map(d -> d.delta())
                .collect(Collectors.joining());
        assertThat(deltas).as("greedy: the streamed deltas make up the whole arguments").isEqualTo(call.arguments());
        assertThat(events.stream().flatMap(e -> e.functionCallArgumentsDone().stream()).map(d -> d.arguments()))
                .containsExactly(call.arguments());
        assertThat(events.stream().flatMap(e -> e.outputItemDone().stream()).flatMap(e -> e.item().functionCall().stream())
                .map(ResponseFunctionToolCall::arguments)).containsExactly(call.arguments());
        assertThat(events.getLast().isCompleted()).isTrue();
        assertThat(events.stream().map(ResponsesEndToEndTest::sequenceNumber).toList())
                .isEqualTo(java.util.stream.LongStream.range(0, events.size()).boxed().toList());
    }

    @Test
    void shouldAnswerTheFunctionCallOutputSentBackForARequiredCall() {
        Response called = openAi.responses().create(ResponseCreateParams.builder().model(LONGER).input("Mood?")
                .addTool(Pick.class).toolChoice(ToolChoiceOptions.REQUIRED)
                .maxOutputTokens(80L).temperature(0.8).putAdditionalBodyProperty("seed", JsonValue.from(7)).build());
        ResponseFunctionToolCall call = called.output().stream().flatMap(item -> item.functionCall().stream())
                .findFirst().orElseThrow(() -> new AssertionError("no call in " + called.output()));
        assertThat(Messages.mapper().readValue(call.arguments(), Pick.class).mood()).isNotNull();

        List<ResponseInputItem> output = new ArrayList<>();
        output.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId()).output("done").build()));
        Response answer = openAi.responses().create(ResponseCreateParams.builder().model(LONGER)
                .previousResponseId(called.id()).inputOfResponse(output).addTool(Pick.class)
                .toolChoice(ToolChoiceOptions.NONE).maxOutputTokens(8L).temperature(0.0).build());
        answer.validate();
        assertThat(answer.status()).hasValueSatisfying(status ->
                assertThat(status).isIn(ResponseStatus.COMPLETED, ResponseStatus.INCOMPLETE));
        assertThat(answer.output()).as("tool_choice none: an answer, no call").allMatch(item -> item.isMessage());
        assertThat(answer.usage().orElseThrow().inputTokens()).as("the call and its output are in the prompt")
                .isGreaterThan(called.usage().orElseThrow().inputTokens());

        HttpResponse<String> unknown = platform.post("/v1/responses", """
                {"model":"%s","previous_response_id":"%s","input":[{"type":"function_call_output","call_id":"call_nope",
                 "output":"done"}]}""".formatted(LONGER, called.id()));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(Messages.mapper().readTree(unknown.body()).at("/error/param").asString()).isEqualTo("input[0].call_id");
    }

    private static String text(Response response) {
        return response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream()).flatMap(content -> content.outputText().stream())
                .map(text -> text.text()).collect(Collectors.joining());
    }

    private static long sequenceNumber(ResponseStreamEvent event) {
        Map<?, ?> fields = event._json().orElseThrow().convert(Map.class);
        return ((Number) fields.get("sequence_number")).longValue();
    }
}
