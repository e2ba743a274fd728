package dev.llmplatform.launcher;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceNone;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.launcher.models.DefaultModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Anthropic's Messages API on the real platform (broker, four services, the default model), driven by
 * Anthropic's own Java SDK and by LangChain4j's Anthropic module: greedy answers whole and streamed agree
 * (text, stop reason, usage), {@code message_start}'s token count equals the generation's and count_tokens',
 * stop sequences and {@code max_tokens} end answers as Anthropic says, a thinking model's think block is a
 * {@code thinking} block before the text (the fixture {@link ThinkingModel}), a named tool is called with input that
 * obeys its schema (whole, and streamed as {@code input_json_delta}s) and its {@code tool_result} is answered, and bad
 * input is a 400 in
 * Anthropic's error shape naming the field, never a 5xx or a stream that hangs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnthropicMessagesEndToEndTest {

    private static final String MODEL = CompletionContract.model();
    private static final String LONGER = DefaultModels.RANDOM_MODEL;
    private static final String SYSTEM = "Answer briefly.";
    private static final String QUESTION = "The animal didn't cross the street because";

    private PlatformUnderTest platform;
    private AnthropicClient anthropic;

    @BeforeAll
    void start() throws IOException {
        Path dataDir = Files.createTempDirectory("llm-platform-anthropic-");
        ThinkingModel.write(dataDir.resolve("models"));
        platform = PlatformUnderTest.start(dataDir, null, Map.of());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> platform.get("/v1/models/" + ThinkingModel.NAME).statusCode() == 200
                        && "ready".equals(Messages.mapper().readTree(platform.get("/v1/models/" + ThinkingModel.NAME).body())
                        .path("state").asString()));
        // The SDK appends /v1/messages itself: it gets the platform's root.
        anthropic = AnthropicOkHttpClient.builder().baseUrl(platform.baseUrl()).apiKey("sk-ant-any").maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        if (anthropic != null) {
            anthropic.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    /** Greedy (temperature 0, which this SDK version has no setter for). */
    private static MessageCreateParams.Builder greedy(long maxTokens) {
        return MessageCreateParams.builder().model(MODEL).maxTokens(maxTokens).system(SYSTEM).addUserMessage(QUESTION)
                .putAdditionalBodyProperty("temperature", JsonValue.from(0));
    }

    @Test
    void shouldStreamWhatTheWholeGreedyMessageSaysWithTheSameStopReasonAndUsage() {
        MessageCreateParams params = greedy(24).build();

        Message whole = anthropic.messages().create(params);
        assertThat(whole.id()).startsWith("msg_");
        assertThat(whole.model().asString()).isEqualTo(MODEL);
        assertThat(whole.content()).hasSize(1);
        String text = whole.content().getFirst().text().orElseThrow().text();
        assertThat(text).isNotBlank();
        assertThat(whole.stopReason()).hasValueSatisfying(r -> assertThat(r).isIn(StopReason.END_TURN, StopReason.MAX_TOKENS));
        assertThat(whole.usage().outputTokens()).isBetween(1L, 24L);
        assertThat(whole.usage().inputTokens()).isPositive();

        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> types;
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
            types = stream.stream().peek(accumulator::accumulate).map(AnthropicMessagesEndToEndTest::typeOf).toList();
        }
        Message streamed = accumulator.message();
        assertThat(types.getFirst()).isEqualTo("message_start");
        assertThat(types.getLast()).isEqualTo("message_stop");
        assertThat(types).contains("content_block_start", "content_block_delta", "content_block_stop", "message_delta");
        assertThat(streamed.content()).hasSize(1);
        assertThat(streamed.content().getFirst().text().orElseThrow().text())
                .as("greedy: the stream says what the whole message said").isEqualTo(text);
        assertThat(streamed.stopReason()).isEqualTo(whole.stopReason());
        assertThat(streamed.usage().outputTokens()).isEqualTo(whole.usage().outputTokens());
        assertThat(streamed.usage().inputTokens()).isEqualTo(whole.usage().inputTokens());
    }

    @Test
    void shouldAnnounceThePromptsTokenCountInMessageStartAsTheGenerationAndCountTokensCountIt() {
        Message whole = anthropic.messages().create(greedy(4).build());
        long startCount;
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(greedy(4).build())) {
            startCount = stream.stream().filter(e -> e.messageStart().isPresent()).findFirst().orElseThrow()
                    .messageStart().orElseThrow().message().usage().inputTokens();
        }
        long counted = anthropic.messages().countTokens(MessageCountTokensParams.builder().model(MODEL).system(SYSTEM)
                .addUserMessage(QUESTION).build()).inputTokens();

        assertThat(startCount).isEqualTo(whole.usage().inputTokens());
        assertThat(counted).isEqualTo(whole.usage().inputTokens());
    }

    @Test
    void shouldEndAtAStopSequenceAndNameIt() {
        String text = anthropic.messages().create(greedy(24).build()).content().getFirst().text().orElseThrow().text();
        // A piece of what the model writes greedily, past its first character: the same request stops before it.
        String stop = text.strip().length() > 4 ? text.strip().substring(2, 4) : text.strip();
        int at = text.indexOf(stop);

        Message stopped = anthropic.messages().create(greedy(24).stopSequences(List.of(stop)).build());

        assertThat(stopped.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(stopped.stopSequence()).contains(stop);
        assertThat(stopped.content().getFirst().text().orElseThrow().text()).isEqualTo(text.substring(0, at));
    }

    @Test
    void shouldEndAtMaxTokens() {
        Message message = anthropic.messages().create(greedy(3).putAdditionalBodyProperty("top_k", JsonValue.from(1))
                .build());

        assertThat(message.usage().outputTokens()).isEqualTo(3);
        assertThat(message.stopReason()).contains(StopReason.MAX_TOKENS);
    }

    @Test
    void shouldAnswerLangChain4jAsTheSdkIsAnsweredWholeAndStreamed() throws Exception {
        String sdkText = anthropic.messages().create(greedy(16).build()).content().getFirst().text().orElseThrow().text();
        AnthropicChatModel model = AnthropicChatModel.builder().baseUrl(platform.baseUrl() + "/v1/").apiKey("sk-ant-any")
                .modelName(MODEL).maxTokens(16).temperature(0.0).timeout(Duration.ofSeconds(60)).maxRetries(0).build();

        ChatResponse response = model.chat(SystemMessage.from(SYSTEM), UserMessage.from(QUESTION));

        assertThat(response.aiMessage().text()).isEqualTo(sdkText);
        assertThat(response.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(response.tokenUsage().outputTokenCount()).isBetween(1, 16);

        AnthropicStreamingChatModel streaming = AnthropicStreamingChatModel.builder()
                .baseUrl(platform.baseUrl() + "/v1/").apiKey("sk-ant-any").modelName(MODEL).maxTokens(16)
                .temperature(0.0).timeout(Duration.ofSeconds(60)).build();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        StringBuilder partials = new StringBuilder();
        streaming.chat(List.of(SystemMessage.from(SYSTEM), UserMessage.from(QUESTION)), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse complete) {
                done.complete(complete);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse streamed = done.get(60, TimeUnit.SECONDS);
        assertThat(partials.toString()).isEqualTo(sdkText);
        assertThat(streamed.aiMessage().text()).isEqualTo(sdkText);
    }

    @Test
    void shouldRefuseBadInputThroughTheSdkWithAnInvalidRequestErrorNamingTheField() {
        MessageCreateParams hot = greedy(8).putAdditionalBodyProperty("temperature", JsonValue.from(3)).build();
        assertThatThrownBy(() -> anthropic.messages().create(hot)).isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.errorType()).contains(ErrorType.INVALID_REQUEST_ERROR);
            assertThat(e.apiMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("temperature"));
        });
        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(hot)) {
                stream.stream().forEach(e -> { });
            }
        }).as("a stream asked with bad input is a 400, not a stream").isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("no-such-model")
                .maxTokens(8).addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class,
                        e -> assertThat(e.errorType()).contains(ErrorType.NOT_FOUND_ERROR));
    }

    @ParameterizedTest(name = "{1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"model":"%s","messages":[{"role":"user","content":"hi"}]}                                                | false | max_tokens
            {"model":"%s","max_tokens":8,"messages":[{"role":"user","content":[{"type":"image","source":{}}]}]}       | false | messages.0.content.0.type
            {"model":"%s","max_tokens":8,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f"}]}          | true  | tools
            {"model":"%s","max_tokens":8,"messages":[{"role":"user","content":"hi"}],"top_k":"many"}                  | true  | top_k
            {"model":"%s","max_tokens":100000,"messages":[{"role":"user","content":"hi"}]}                            | true  | max_tokens
            """)
    void shouldRefuseBadInputWith400InAnthropicsShapeStreamedOrNot(String body, boolean stream, String field) {
        String request = body.formatted(MODEL).replaceFirst("\\{", stream ? "{\"stream\":true," : "{");
        HttpResponse<String> response = platform.post("/v1/messages", request);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Messages.mapper().readTree(response.body());
        assertThat(error.get("type").asString()).isEqualTo("error");
        assertThat(error.get("error").get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.get("error").get("message").asString()).startsWith(field);
    }

    @Test
    void shouldAnswerAStreamedPromptOverTheContextWithA400NotAStream() {
        String longText = "The animal didn't cross the street because it was too tired. ".repeat(40);
        String body = """
                {"model":"%s","max_tokens":8,"stream":true,"messages":[{"role":"user","content":"%s"}]}"""
                .formatted(MODEL, longText);

        HttpResponse<java.util.stream.Stream<String>> response = platform.postStreaming("/v1/messages", body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Messages.mapper().readTree(response.body().collect(Collectors.joining("\n")));
        assertThat(error.get("type").asString()).isEqualTo("error");
        assertThat(error.get("error").get("type").asString()).isEqualTo("invalid_request_error");
    }

    @Test
    void shouldAnswerAThinkingModelWithAThinkingBlockBeforeTheTextWholeAndStreamed() {
        MessageCreateParams params = MessageCreateParams.builder().model(ThinkingModel.NAME).maxTokens(40)
                .addUserMessage("What is two and two?").putAdditionalBodyProperty("temperature", JsonValue.from(0)).build();

        Message whole = anthropic.messages().create(params);
        assertThat(whole.content()).hasSize(2);
        assertThat(whole.content().get(0).thinking().orElseThrow().thinking()).isEqualTo(ThinkingModel.REASONING);
        assertThat(whole.content().get(1).text().orElseThrow().text()).isEqualTo(ThinkingModel.ANSWER);
        assertThat(whole.stopReason()).contains(StopReason.END_TURN);

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message streamed = accumulator.message();
        assertThat(streamed.content()).hasSize(2);
        assertThat(streamed.content().get(0).thinking().orElseThrow().thinking()).isEqualTo(ThinkingModel.REASONING);
        assertThat(streamed.content().get(1).text().orElseThrow().text()).isEqualTo(ThinkingModel.ANSWER);
        assertThat(streamed.usage().outputTokens()).isEqualTo(whole.usage().outputTokens());

        Message direct = anthropic.messages().create(params.toBuilder()
                .putAdditionalBodyProperty("thinking", JsonValue.from(Map.of("type", "disabled"))).build());
        assertThat(direct.content()).hasSize(1);
        assertThat(direct.content().getFirst().text().orElseThrow().text()).isEqualTo(ThinkingModel.ANSWER);
        // Without thinking the template adds an empty think block to the prompt: the counts see it too.
        assertThat(direct.usage().inputTokens()).isGreaterThan(whole.usage().inputTokens());
        long counted = anthropic.messages().countTokens(MessageCountTokensParams.builder().model(ThinkingModel.NAME)
                .addUserMessage("What is two and two?")
                .putAdditionalBodyProperty("thinking", JsonValue.from(Map.of("type", "disabled"))).build()).inputTokens();
        assertThat(counted).isEqualTo(direct.usage().inputTokens());
        assertThat(streamed.usage().inputTokens()).isEqualTo(whole.usage().inputTokens());
    }

    @Test
    void shouldGiveLangChain4jTheThinkingApartFromTheAnswer() {
        AnthropicChatModel model = AnthropicChatModel.builder().baseUrl(platform.baseUrl() + "/v1/").apiKey("sk-ant-any")
                .modelName(ThinkingModel.NAME).maxTokens(40).temperature(0.0).returnThinking(true)
                .timeout(Duration.ofSeconds(60)).maxRetries(0).build();

        ChatResponse response = model.chat(UserMessage.from("What is two and two?"));

        assertThat(response.aiMessage().text()).isEqualTo(ThinkingModel.ANSWER);
        assertThat(response.aiMessage().thinking()).isEqualTo(ThinkingModel.REASONING);
    }

    /**
     * One tool with a small enum input (the starter's context is small and its template lists tools by name): named
     * in tool_choice, the grammar makes the answer one call whose input obeys the schema.
     */
    private static final Tool PICK = Tool.builder().name("Pick").inputSchema(Tool.InputSchema.builder()
            .properties(JsonValue.from(Map.of("mood", Map.of("type", "string", "enum", List.of("happy", "sad")))))
            .required(List.of("mood")).build()).build();

    @Test
    void shouldCallTheNamedToolWithInputOfItsSchemaWholeAndStreamedThenAnswerItsResult() {
        MessageCreateParams params = MessageCreateParams.builder().model(MODEL).maxTokens(64).addUserMessage("Mood?")
                .addTool(PICK).toolChoice(ToolChoiceTool.builder().name("Pick").build())
                .putAdditionalBodyProperty("temperature", JsonValue.from(0)).build();

        Message whole = anthropic.messages().create(params);
        assertThat(whole.stopReason()).as("%s", whole).contains(StopReason.TOOL_USE);
        List<ToolUseBlock> calls = whole.content().stream().flatMap(b -> b.toolUse().stream()).toList();
        assertThat(calls).hasSize(1);
        ToolUseBlock call = calls.getFirst();
        assertThat(call.id()).startsWith("toolu_");
        assertThat(call.name()).isEqualTo("Pick");
        Map<String, Object> input = call._input().convert(new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        assertThat(input.keySet()).containsExactly("mood");
        assertThat(input.get("mood")).isIn("happy", "sad");

        StringBuilder partialJson = new StringBuilder();
        List<String> started = new java.util.ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
            stream.stream().forEach(event -> {
                event.contentBlockStart().flatMap(start -> start.contentBlock().toolUse()).ifPresent(block -> {
                    started.add(block.name());
                    assertThat(block._input().convert(Map.class)).as("the start carries an empty input").isEmpty();
                });
                event.contentBlockDelta().flatMap(delta -> delta.delta().inputJson())
                        .ifPresent(json -> partialJson.append(json.partialJson()));
            });
        }
        assertThat(started).containsExactly("Pick");
        assertThat(Messages.mapper().readTree(partialJson.toString()))
                .as("greedy: the partial_json fragments make up the whole input")
                .isEqualTo(Messages.mapper().valueToTree(input));

        // The round trip on the random-weight decoder (same template, 256 tokens): kept off the starter's small context.
        Message answer = anthropic.messages().create(MessageCreateParams.builder().model(LONGER).maxTokens(8)
                .addUserMessage("Mood?").addTool(PICK).addMessage(whole)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(call.id()).content("ok").build())))
                .toolChoice(ToolChoiceNone.builder().build())
                .putAdditionalBodyProperty("temperature", JsonValue.from(0)).build());
        assertThat(answer.stopReason()).hasValueSatisfying(r -> assertThat(r).isIn(StopReason.END_TURN,
                StopReason.MAX_TOKENS));
        assertThat(answer.content()).allSatisfy(block -> assertThat(block.isText()).isTrue());
        assertThat(answer.usage().outputTokens()).isPositive();

        String unknown = """
                {"model":"%s","max_tokens":8,"messages":[{"role":"user","content":"Mood?"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"%s","name":"Pick","input":{"mood":"sad"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_nope","content":"ok"}]}]}"""
                .formatted(MODEL, call.id());
        HttpResponse<String> refused = platform.post("/v1/messages", unknown);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Messages.mapper().readTree(refused.body()).at("/error/message").asString())
                .startsWith("messages.2.content.0.tool_use_id");
    }

    private static String typeOf(RawMessageStreamEvent event) {
        return event.isMessageStart() ? "message_start" : event.isContentBlockStart() ? "content_block_start"
                : event.isContentBlockDelta() ? "content_block_delta" : event.isContentBlockStop() ? "content_block_stop"
                : event.isMessageDelta() ? "message_delta" : event.isMessageStop() ? "message_stop" : "other";
    }
}
