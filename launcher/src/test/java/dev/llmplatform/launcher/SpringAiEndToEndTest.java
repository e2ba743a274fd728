package dev.llmplatform.launcher;

import dev.llmplatform.launcher.models.DefaultModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AI's {@code ChatClient} over its OpenAI chat model against the real platform (broker, four services, no test
 * doubles): {@code .tools(...)} with a {@code @Tool} method, called and streamed, gets a call whose arguments have the
 * tool's schema (a nested record with an enum), Spring AI runs the tool and sends its result back, and the platform
 * answers it; {@code .entity(Record.class)} with provider-native structured output gets the record through the
 * engine's JSON-schema constraint (a random-weight model writes no parseable JSON by itself).
 *
 * <p>The chat model is built by hand (options with the platform's base URL) rather than by Spring AI's Boot starter,
 * whose auto-configuration would join the platform's own Spring contexts in this JVM. The random-weight decoder was
 * never trained on tools, so an advisor inside Spring AI's tool loop (after its {@code ToolCallingAdvisor}) asks for
 * {@code tool_choice: required} while the user spoke last and {@code none} once a tool result is last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringAiEndToEndTest {

    private static final String MODEL = DefaultModels.RANDOM_MODEL;
    private static final String RESULT = "booked: table 7";

    enum Area { WINDOW, TERRACE, BAR }

    /** {@code long}: a random model fills the platform's 16 digits for an unbounded integer (see LangChain4j's test). */
    record Table(long seats, Area area) {
    }

    static final class Bookings {
        final List<Table> booked = new CopyOnWriteArrayList<>();

        @Tool(description = "Books a table")
        String book(@ToolParam(description = "the table to book") Table table) {
            booked.add(table);
            return RESULT;
        }
    }

    enum Mood { HAPPY, SAD, CALM }

    record Score(boolean liked, Mood mood) {
    }

    record Review(Mood overall, Score detail) {
    }

    private PlatformUnderTest platform;
    private ChatClient chatClient;
    private final ToolChoicePerTurn toolChoice = new ToolChoicePerTurn();

    @BeforeAll
    void start() throws java.io.IOException {
        // Spring AI needs victools 5 where the OpenAI and Anthropic clients need 4: the launcher's pom runs this class
        // in a surefire execution of its own that sets this property; elsewhere (e.g. -Dtest in default-test) it skips.
        Assumptions.assumeTrue(Boolean.getBoolean("llm.test.spring-ai-classpath"),
                "runs in the launcher's spring-ai surefire execution (victools 5 on the classpath)");
        platform = PlatformUnderTest.start(Files.createTempDirectory("llm-platform-spring-ai-"), null, Map.of());
        OpenAiChatModel model = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                .baseUrl(platform.baseUrl() + "/v1").apiKey("sk-any").model(MODEL).temperature(0.0)
                .maxCompletionTokens(160).maxRetries(0).timeout(Duration.ofSeconds(60)).build()).build();
        chatClient = ChatClient.builder(model).build();
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

        ChatResponse response = chatClient.prompt().user("Book a table.").tools(bookings).advisors(toolChoice)
                .call().chatResponse();

        assertThat(bookings.booked).as("Spring AI parsed the arguments into the record and ran the tool")
                .hasSize(1).allSatisfy(t -> assertThat(t.area()).isNotNull());
        assertToolResultWentBack();
        assertThat(response.getResult().getOutput().hasToolCalls()).isFalse();
        assertThat(response.getResult().getOutput().getText()).as("the answer to the tool's result").isNotNull();
    }

    @Test
    void shouldCallTheToolFromAStreamedAnswerAndStreamTheAnswerToItsResult() {
        Bookings bookings = new Bookings();

        Flux<String> content = chatClient.prompt().user("Book a table.").tools(bookings).advisors(toolChoice)
                .stream().content();
        List<String> pieces = content.collectList().block(Duration.ofSeconds(120));

        assertThat(bookings.booked).hasSize(1);
        assertToolResultWentBack();
        assertThat(pieces).as("the answer to the tool's result streamed as text").isNotNull();
    }

    @Test
    void shouldReturnARecordThroughProviderNativeStructuredOutput() {
        Review review = chatClient.prompt().user("Review the soup.").advisors(toolChoice).call()
                .entity(Review.class, spec -> spec.useProviderStructuredOutput());

        assertThat(review).isNotNull();
        assertThat(review.overall()).isNotNull();
        assertThat(review.detail()).isNotNull();
        assertThat(review.detail().mood()).isNotNull();
        Message asked = toolChoice.sent.getLast().getInstructions().getLast();
        assertThat(asked).as("native: the schema went as response_format, no format instructions in the prompt")
                .isInstanceOfSatisfying(UserMessage.class, m -> assertThat(m.getText()).isEqualTo("Review the soup."));
    }

    /** The call's arguments have the tool's schema, and the next request carried the result with tool_choice none. */
    private void assertToolResultWentBack() {
        List<Prompt> sent = toolChoice.sent;
        Prompt call = sent.get(sent.size() - 2);
        Prompt followUp = sent.getLast();
        assertThat(((OpenAiChatOptions) call.getOptions()).getToolChoice()).isEqualTo("required");
        assertThat(((OpenAiChatOptions) followUp.getOptions()).getToolChoice()).isEqualTo("none");
        List<Message> messages = followUp.getInstructions();
        AssistantMessage assistant = (AssistantMessage) messages.get(messages.size() - 2);
        assertThat(assistant.getToolCalls()).hasSize(1);
        assertThat(assistant.getToolCalls().getFirst().name()).isEqualTo("book");
        assertTableArguments(assistant.getToolCalls().getFirst().arguments());
        assertThat(messages.getLast()).isInstanceOfSatisfying(ToolResponseMessage.class,
                m -> assertThat(m.getResponses().getFirst().responseData()).contains(RESULT));
    }

    private static void assertTableArguments(String arguments) {
        JsonNode root = JsonMapper.builder().build().readTree(arguments);
        assertThat(root.propertyNames()).as(arguments).containsExactly("table");
        JsonNode table = root.get("table");
        assertThat(table.propertyNames()).as(arguments).containsExactlyInAnyOrder("seats", "area");
        assertThat(table.get("seats").isIntegralNumber()).as(arguments).isTrue();
        assertThat(table.get("area").asString()).as(arguments)
                .isIn(Arrays.stream(Area.values()).map(Enum::name).toList());
    }

    /**
     * Runs inside Spring AI's tool loop (ordered after its {@code ToolCallingAdvisor}): {@code required} until a tool
     * result is the last message, then {@code none}; records every prompt it lets through.
     */
    static final class ToolChoicePerTurn implements CallAdvisor, StreamAdvisor {
        final List<Prompt> sent = new CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "tool-choice-per-turn";
        }

        @Override
        public int getOrder() {
            return ToolCallingAdvisor.DEFAULT_ORDER + 1;
        }

        @Override
        public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
            return chain.nextCall(withToolChoice(request));
        }

        @Override
        public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
            return chain.nextStream(withToolChoice(request));
        }

        private ChatClientRequest withToolChoice(ChatClientRequest request) {
            Prompt prompt = request.prompt();
            if (!(prompt.getOptions() instanceof OpenAiChatOptions options) || options.getToolCallbacks() == null
                    || options.getToolCallbacks().isEmpty()) {
                sent.add(prompt);
                return request;
            }
            String choice = prompt.getInstructions().getLast() instanceof ToolResponseMessage ? "none" : "required";
            Prompt chosen = prompt.mutate().chatOptions(options.mutate().toolChoice(choice).build()).build();
            sent.add(chosen);
            return request.mutate().prompt(chosen).build();
        }
    }
}
