package dev.llmplatform.launcher;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.llmplatform.launcher.models.DefaultModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tool calling on the real platform (broker, four services, the default starter model, no test doubles) with the
 * official OpenAI Java client: the starter was never trained on these tools, yet with {@code tool_choice} naming a
 * function the grammar makes its answer one call whose arguments parse into the tool's class, whole and streamed
 * (fragments concatenated equal the whole arguments); with {@code required} on the random-weight decoder (a model that
 * knows no tools at all) one of two tools is called and the tool's result sent back is answered; under
 * {@code auto} a model built to open a call and then write prose ({@link ToolOpeningModel}) gets a valid call; a
 * {@code tool_choice} naming no tool is a 400.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolCallingEndToEndTest {

    private static final String MODEL = CompletionContract.model();
    /**
     * The platform's random-weight decoder (same template, never trained on anything) with 256 tokens of context: two
     * tools and a whole round trip (call, tool result, answer) are kept off the starter, whose template lists no schemas.
     */
    private static final String LONGER = DefaultModels.RANDOM_MODEL;

    enum Mood { HAPPY, SAD, CALM }

    // Short names and small argument values: the starter's context is 256 tokens, prompt and answer together, and its
    // small vocabulary spells JSON punctuation in short pieces.

    record Pick(Mood mood) {
    }

    record Like(boolean yes) {
    }

    private PlatformUnderTest platform;
    private OpenAIClient openAi;

    @BeforeAll
    void start() throws java.io.IOException {
        java.nio.file.Path dataDir = Files.createTempDirectory("llm-platform-tools-");
        ToolOpeningModel.write(dataDir.resolve("models"));
        platform = PlatformUnderTest.start(dataDir, null, Map.of());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> platform.get("/v1/models/" + ToolOpeningModel.NAME).statusCode() == 200
                        && platform.get("/v1/models/" + ToolOpeningModel.NAME).body().contains("\"ready\""));
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
    void shouldCallTheNamedToolWithArgumentsOfItsClassWholeAndStreamed() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("Set the mood.").addTool(Pick.class)
                .toolChoice(ChatCompletionNamedToolChoice.builder().function(ChatCompletionNamedToolChoice.Function
                        .builder().name("Pick").build()).build())
                .maxCompletionTokens(80).temperature(0.0).build();

        ChatCompletion whole = openAi.chat().completions().create(params);
        ChatCompletion.Choice choice = whole.choices().getFirst();
        assertThat(choice.finishReason()).as("%s, usage %s", choice.message(), whole.usage())
                .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(c -> c.function().orElseThrow()).toList();
        assertThat(calls).hasSize(1);
        ChatCompletionMessageFunctionToolCall call = calls.getFirst();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("Pick");
        assertThat(call.function().arguments(Pick.class).mood()).isNotNull();

        StringBuilder fragments = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().toolCalls().ifPresent(pieces -> pieces.forEach(piece -> {
                    assertThat(piece.index()).isZero();
                    piece.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name).ifPresent(names::add);
                    piece.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments)
                            .ifPresent(fragments::append);
                }));
                c.finishReason().ifPresent(finishes::add);
            }));
        }
        assertThat(names).containsExactly("Pick");
        assertThat(fragments.toString()).as("greedy: the streamed fragments make up the whole arguments")
                .isEqualTo(call.function().arguments());
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void shouldCallOneOfTheToolsWhenACallIsRequiredThenAnswerTheToolsResult() {
        ChatCompletion whole = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(LONGER)
                .addUserMessage("Like it?").addTool(Pick.class).addTool(Like.class)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .maxCompletionTokens(80).temperature(0.8).seed(7L).build());

        ChatCompletion.Choice choice = whole.choices().getFirst();
        assertThat(choice.finishReason()).as("%s, usage %s", choice.message(), whole.usage())
                .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst()
                .function().orElseThrow();
        Object arguments = switch (call.function().name()) {
            case "Pick" -> call.function().arguments(Pick.class);
            case "Like" -> call.function().arguments(Like.class);
            default -> throw new AssertionError("no such tool: " + call.function().name());
        };
        assertThat(arguments).isNotNull();

        ChatCompletion answer = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(LONGER)
                .addUserMessage("Like it?").addTool(Pick.class).addTool(Like.class).addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("done").build())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).maxCompletionTokens(8).temperature(0.0).build());
        assertThat(answer.choices().getFirst().finishReason())
                .isIn(ChatCompletion.Choice.FinishReason.STOP, ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(answer.choices().getFirst().message().content()).isPresent();
        assertThat(answer.choices().getFirst().message().toolCalls()).as("tool_choice none reads no calls").isEmpty();
    }

    @Test
    void shouldAnswerInTextUnderAutoWhenTheModelOpensNoCall() {
        // Under auto the engine runs the tools-or-text constraint (a new kind across Kafka, compiled against the
        // starter's vocabulary): text the model writes goes through; only a call that starts would be held to Pick.
        // The starter answers a greeting in text (its tool world's chats do), whatever tools are offered.
        ChatCompletion whole = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("Hello!").addTool(Pick.class)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO).maxCompletionTokens(20).temperature(0.0).build());
        ChatCompletion.Choice choice = whole.choices().getFirst();
        assertThat(choice.finishReason()).as("%s", choice.message())
                .isIn(ChatCompletion.Choice.FinishReason.STOP, ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(choice.message().toolCalls()).as("the starter opens no call for a greeting").isEmpty();
        assertThat(choice.message().content()).isPresent().get().asString().isNotEmpty().doesNotContain("<tool_call>");
    }

    @Test
    void shouldTurnWhatFollowsAnOpenedCallIntoACallOfTheToolUnderAuto() {
        ChatCompletionCreateParams.Builder ask = ChatCompletionCreateParams.builder().model(ToolOpeningModel.NAME)
                .addUserMessage("Pick a mood.").addTool(Pick.class).maxCompletionTokens(100).temperature(0.0);
        ChatCompletion unguarded = openAi.chat().completions().create(ask.toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).build());
        assertThat(unguarded.choices().getFirst().message().content()).as("what the model writes by itself")
                .contains(ToolOpeningModel.OUTPUT);

        ChatCompletion guarded = openAi.chat().completions().create(ask.toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO).build());
        ChatCompletion.Choice choice = guarded.choices().getFirst();
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(c -> c.function().orElseThrow()).toList();
        assertThat(calls).as("%s", choice.message()).isNotEmpty();
        assertThat(calls.getFirst().function().name()).isEqualTo("Pick");
        assertThat(calls.getFirst().function().arguments(Pick.class).mood()).as(calls.getFirst().function().arguments())
                .isNotNull();
        assertThat(choice.finishReason()).isIn(ChatCompletion.Choice.FinishReason.TOOL_CALLS,
                ChatCompletion.Choice.FinishReason.LENGTH);
    }

    @Test
    void shouldRefuseAToolChoiceNamingNoToolAsA400NamingTheParameter() {
        assertThatThrownBy(() -> openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("Hi").addTool(Pick.class)
                .toolChoice(ChatCompletionNamedToolChoice.builder().function(ChatCompletionNamedToolChoice.Function
                        .builder().name("Launch").build()).build()).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.body().toString())
                        .contains("tool_choice.function.name"));
    }
}
