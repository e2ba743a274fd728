package dev.llmplatform.launcher;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.tool.ToolExecution;
import dev.llmplatform.launcher.models.DefaultModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LangChain4j's OpenAI module against the real platform (broker, four services, no test doubles): an AI Service
 * with a {@code @Tool} method, blocking and streamed, gets a call whose arguments have the tool's schema (a nested
 * record with an enum), LangChain4j runs the tool and sends its result back, and the platform answers it; an AI
 * Service returning a record gets it through a JSON-schema {@code response_format} the engine enforces.
 *
 * <p>The random-weight decoder (256 tokens of context, the same template as the starter) was never trained on tools,
 * so {@code tool_choice} is {@code required} while the last message is the user's (a chat-request transformer, the
 * hook LangChain4j offers for per-request parameters) and {@code none} once a tool result is last: without that the
 * tool loop would call tools forever under {@code required}, or never under {@code auto}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LangChain4jEndToEndTest {

    private static final String MODEL = DefaultModels.RANDOM_MODEL;
    private static final String RESULT = "booked: table 7";

    enum Area { WINDOW, TERRACE, BAR }

    /**
     * {@code long}, not {@code int}: LangChain4j writes an unbounded {@code integer} for either, and a random model
     * fills the platform's 16 digits, which no {@code int} holds (a trained model writes "4").
     */
    record Table(long seats, Area area) {
    }

    /** The tool LangChain4j describes from the method's signature and invokes with the parsed arguments. */
    static final class Bookings {
        final List<Table> booked = new CopyOnWriteArrayList<>();

        @Tool("Books a table")
        String book(@P("the table to book") Table table) {
            booked.add(table);
            return RESULT;
        }
    }

    interface Concierge {
        Result<String> ask(String question);
    }

    interface StreamingConcierge {
        TokenStream ask(String question);
    }

    enum Mood { HAPPY, SAD, CALM }

    record Score(boolean liked, Mood mood) {
    }

    record Review(Mood overall, Score detail) {
    }

    interface Critic {
        Review review(String text);
    }

    private PlatformUnderTest platform;
    private final List<ChatRequest> sent = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws java.io.IOException {
        platform = PlatformUnderTest.start(Files.createTempDirectory("llm-platform-langchain4j-"), null, Map.of());
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldCallTheToolWithArgumentsOfItsSchemaAndAnswerItsResult() {
        Bookings bookings = new Bookings();
        Concierge concierge = AiServices.builder(Concierge.class).chatModel(chatModel())
                .tools(bookings).chatRequestTransformer(requiredUntilAToolResult()).build();

        Result<String> result = concierge.ask("Book a table.");

        assertThat(result.toolExecutions()).hasSize(1);
        ToolExecution execution = result.toolExecutions().getFirst();
        assertThat(execution.request().name()).isEqualTo("book");
        assertTableArguments(execution.request().arguments());
        assertThat(bookings.booked).as("LangChain4j parsed the arguments into the record and ran the tool")
                .hasSize(1).allSatisfy(t -> assertThat(t.area()).isNotNull());
        assertThat(execution.result()).isEqualTo(RESULT);
        assertToolResultWentBack();
        assertThat(result.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(result.content()).as("the platform answered the tool's result in text").isNotNull();
    }

    @Test
    void shouldCallTheToolFromAStreamedAnswerAndStreamTheAnswerToItsResult() throws Exception {
        Bookings bookings = new Bookings();
        StreamingConcierge concierge = AiServices.builder(StreamingConcierge.class)
                .streamingChatModel(streamingChatModel()).tools(bookings)
                .chatRequestTransformer(requiredUntilAToolResult()).build();

        List<ToolExecution> executions = new CopyOnWriteArrayList<>();
        StringBuilder partials = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        concierge.ask("Book a table.").onPartialResponse(partials::append).onToolExecuted(executions::add)
                .onCompleteResponse(done::complete).onError(done::completeExceptionally).start();
        ChatResponse last = done.get(120, TimeUnit.SECONDS);

        assertThat(executions).hasSize(1);
        assertTableArguments(executions.getFirst().request().arguments());
        assertThat(bookings.booked).hasSize(1);
        assertToolResultWentBack();
        assertThat(last.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(partials.toString()).as("the answer to the tool's result streamed as text")
                .isEqualTo(last.aiMessage().text());
    }

    @Test
    void shouldReturnARecordThroughAJsonSchemaResponseFormat() {
        Critic critic = AiServices.builder(Critic.class).chatModel(chatModel()).build();

        Review review = critic.review("Review the soup.");

        assertThat(review.overall()).isNotNull();
        assertThat(review.detail()).isNotNull();
        assertThat(review.detail().mood()).isNotNull();
        ChatRequest request = sent.getLast();
        assertThat(request.responseFormat().type()).as("native structured output, not instructions in the prompt")
                .isEqualTo(ResponseFormatType.JSON);
        assertThat(request.responseFormat().jsonSchema()).isNotNull();
    }

    /** The arguments, as the platform generated them, have exactly the shape of the tool's JSON schema. */
    private static void assertTableArguments(String arguments) {
        JsonNode root = JsonMapper.builder().build().readTree(arguments);
        assertThat(root.propertyNames()).as(arguments).containsExactly("table");
        JsonNode table = root.get("table");
        assertThat(table.propertyNames()).as(arguments).containsExactlyInAnyOrder("seats", "area");
        assertThat(table.get("seats").isIntegralNumber()).as(arguments).isTrue();
        assertThat(table.get("area").asString()).as(arguments)
                .isIn(Arrays.stream(Area.values()).map(Enum::name).toList());
    }

    /** The second request carried the tool's result after the call, with tool_choice none, and nothing came after. */
    private void assertToolResultWentBack() {
        List<ChatRequest> requests = new ArrayList<>(sent.subList(sent.size() - 2, sent.size()));
        assertThat(requests.getFirst().toolChoice()).isEqualTo(ToolChoice.REQUIRED);
        ChatRequest followUp = requests.getLast();
        assertThat(followUp.toolChoice()).isEqualTo(ToolChoice.NONE);
        ChatMessage lastMessage = followUp.messages().getLast();
        assertThat(lastMessage).isInstanceOfSatisfying(ToolExecutionResultMessage.class,
                m -> assertThat(m.text()).isEqualTo(RESULT));
    }

    private static UnaryOperator<ChatRequest> requiredUntilAToolResult() {
        return request -> {
            ToolChoice choice = request.messages().getLast() instanceof ToolExecutionResultMessage
                    ? ToolChoice.NONE : ToolChoice.REQUIRED;
            return ChatRequest.builder().messages(request.messages()).parameters(request.parameters()
                    .overrideWith(ChatRequestParameters.builder().toolChoice(choice).build())).build();
        };
    }

    private ChatModelListener recorder() {
        return new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                sent.add(context.chatRequest());
            }
        };
    }

    private OpenAiChatModel chatModel() {
        return OpenAiChatModel.builder().baseUrl(platform.baseUrl() + "/v1").apiKey("sk-any").modelName(MODEL)
                .temperature(0.0).maxCompletionTokens(160).strictTools(true)
                .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).strictJsonSchema(true)
                .timeout(Duration.ofSeconds(60)).maxRetries(0).listeners(recorder()).build();
    }

    private OpenAiStreamingChatModel streamingChatModel() {
        return OpenAiStreamingChatModel.builder().baseUrl(platform.baseUrl() + "/v1").apiKey("sk-any").modelName(MODEL)
                .temperature(0.0).maxCompletionTokens(160).strictTools(true)
                .timeout(Duration.ofSeconds(60)).listeners(recorder()).build();
    }
}
