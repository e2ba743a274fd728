package dev.llmplatform.launcher;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A model that thinks, served by the real platform: the tiny fixture {@link ThinkingModel} (written into the test's
 * store with {@code {"reasoning_parser": "qwen3"}}) writes {@code <think>…</think>} and then its answer; chat returns
 * the think block as {@code reasoning_content} apart from {@code content}, whole and streamed, counts its tokens in
 * usage, and {@code chat_template_kwargs} reaches the model's chat template.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReasoningEndToEndTest {

    private static final String MODEL = ThinkingModel.NAME;
    private static final List<Map<String, String>> QUESTION = List.of(Map.of("role", "user", "content", "What is two and two?"));

    private PlatformUnderTest platform;
    private OpenAIClient openAi;

    @BeforeAll
    void start() throws IOException {
        Path dataDir = Files.createTempDirectory("llm-platform-reasoning-");
        ThinkingModel.write(dataDir.resolve("models"));
        platform = PlatformUnderTest.start(dataDir, null, Map.of());
        openAi = OpenAIOkHttpClient.builder().baseUrl(platform.baseUrl() + "/v1").apiKey("sk-any").build();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> platform.get("/v1/models/" + MODEL).statusCode() == 200
                        && "ready".equals(json(platform.get("/v1/models/" + MODEL).body()).path("state").asString()));
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
    void shouldReturnTheThinkBlockAsReasoningContentApartFromTheAnswerAndCountItsTokens() {
        JsonNode body = chat(Map.of("temperature", 0));

        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("message").get("reasoning_content").asString()).isEqualTo(ThinkingModel.REASONING);
        assertThat(choice.get("message").get("content").asString()).isEqualTo(ThinkingModel.ANSWER);
        assertThat(choice.get("finish_reason").asString()).isEqualTo("stop");
        JsonNode usage = body.get("usage");
        int thinkBlock = tokenCount("<think>" + ThinkingModel.REASONING + "</think>");
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt()).isEqualTo(thinkBlock);
        // the think block, the answer, and the <|im_end|> that ended the turn
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(thinkBlock + tokenCount(ThinkingModel.ANSWER) + 1);
    }

    @Test
    void shouldStreamReasoningThenContentWhoseConcatenationsEqualTheWholeAnswerUnderTheSameSeed() {
        Map<String, Object> sampled = Map.of("temperature", 1.0, "seed", 7);
        JsonNode whole = chat(sampled).get("choices").get(0).get("message");

        Map<String, Object> streamed = new LinkedHashMap<>(sampled);
        streamed.put("stream", true);
        streamed.put("stream_options", Map.of("include_usage", true));
        HttpResponse<java.util.stream.Stream<String>> response = platform.postStreaming("/v1/chat/completions", request(streamed));
        List<String> lines = PlatformUnderTest.dataLines(response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        JsonNode usage = null;
        for (String line : lines.subList(0, lines.size() - 1)) {
            JsonNode chunk = json(line.substring("data: ".length()));
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode delta = chunk.get("choices").get(0).get("delta");
            if (delta.hasNonNull("reasoning_content")) {
                assertThat(content).as("no reasoning after the answer began").isEmpty();
                reasoning.append(delta.get("reasoning_content").asString());
            }
            if (delta.hasNonNull("content")) {
                content.append(delta.get("content").asString());
            }
        }
        assertThat(reasoning.toString()).isEqualTo(whole.get("reasoning_content").asString()).isEqualTo(ThinkingModel.REASONING);
        assertThat(content.toString()).isEqualTo(whole.get("content").asString()).isEqualTo(ThinkingModel.ANSWER);
        assertThat(usage).isNotNull();
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt())
                .isEqualTo(tokenCount("<think>" + ThinkingModel.REASONING + "</think>"));
    }

    @Test
    void shouldRenderAnEmptyThinkBlockWhenChatTemplateKwargsDisableThinkingSoAllIsAnswer() {
        JsonNode thinking = chat(Map.of("temperature", 0));
        JsonNode direct = chat(Map.of("temperature", 0, "chat_template_kwargs", Map.of("enable_thinking", false)));

        JsonNode message = direct.get("choices").get(0).get("message");
        assertThat(message.get("content").asString()).isEqualTo(ThinkingModel.ANSWER);
        assertThat(message.has("reasoning_content")).as(message.toString()).isFalse();
        // the template wrote "<think>\n\n</think>\n\n" after the assistant's header
        assertThat(direct.get("usage").get("prompt_tokens").asInt() - thinking.get("usage").get("prompt_tokens").asInt())
                .isEqualTo(tokenCount("<think>\n\n</think>\n\n"));
        assertThat(direct.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt()).isZero();
    }

    @Test
    void shouldCutAtAStopStringInsideTheReasoning() {
        JsonNode choice = chat(Map.of("temperature", 0, "stop", List.of(" make"))).get("choices").get(0);

        assertThat(choice.get("message").get("reasoning_content").asString()).isEqualTo("Two and two");
        assertThat(choice.get("message").get("content").asString()).isEmpty();
        assertThat(choice.get("finish_reason").asString()).isEqualTo("stop");
    }

    @Test
    void shouldGiveTheOfficialClientTheAnswerAsContentWithReasoningContentBesideIt() {
        ChatCompletion chat = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("What is two and two?").temperature(0.0).build());

        ChatCompletion.Choice choice = chat.choices().getFirst();
        assertThat(choice.message().content()).contains(ThinkingModel.ANSWER);
        assertThat(choice.message()._additionalProperties().get("reasoning_content").asString())
                .contains(ThinkingModel.REASONING);
    }

    private JsonNode chat(Map<String, Object> extra) {
        HttpResponse<String> response = platform.post("/v1/chat/completions", request(extra));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    private static String request(Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", MODEL);
        body.put("messages", QUESTION);
        body.put("max_tokens", 40);
        body.putAll(extra);
        return Messages.toJson(body);
    }

    private int tokenCount(String text) {
        HttpResponse<String> response = platform.post("/v1/tokenize", Messages.toJson(Map.of("model", MODEL, "prompt", text)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).get("count").asInt();
    }

    private static JsonNode json(String text) {
        return Messages.mapper().readTree(text);
    }
}
