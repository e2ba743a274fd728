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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Users' own models, dropped into a running platform's store as a person would copy them: each
 * fixture of {@code fixtures/hf} (small Hugging Face checkpoints and an ONNX export written by
 * PyTorch, {@code fixtures/hf/make_fixtures.py}) is listed within the discovery bound, converted,
 * and then writes exactly PyTorch's greedy tokens; the official OpenAI client chats with one through
 * its own chat template; a folder taken away is withdrawn.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserModelsEndToEndTest {

    /** The bound for a folder to be listed after it appears (or withdrawn after it goes). */
    private static final Duration DISCOVERY_BOUND = Duration.ofSeconds(10);
    private static final Path FIXTURES = HfFixtures.dir();

    private PlatformUnderTest platform;
    private Path store;
    private OpenAIClient openAi;

    @BeforeAll
    void start() throws IOException {
        Path dataDir = Files.createTempDirectory("llm-platform-user-models-");
        platform = PlatformUnderTest.start(dataDir, null, Map.of());
        store = dataDir.resolve("models");
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

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "tinyllama", "smollm2", "mistral", "qwen2", "qwen3", "gpt2", "llama3-onnx"})
    void shouldServeADroppedInModelWritingExactlyPyTorchsGreedyTokens(String fixture) throws IOException {
        dropIn(fixture, fixture);

        JsonNode card = awaitReady(fixture);
        JsonNode expected = Messages.mapper().readTree(Files.readString(FIXTURES.resolve(fixture).resolve("expected.json")));
        List<Integer> prompt = ids(expected.get("prompt_ids"));
        List<Integer> greedy = ids(expected.get("greedy_ids"));
        HttpResponse<String> completion = platform.post("/v1/completions", Messages.toJson(Map.of(
                "model", fixture, "prompt", prompt, "max_tokens", greedy.size(), "temperature", 0, "ignore_eos", true)));

        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
        JsonNode choice = Messages.mapper().readTree(completion.body()).get("choices").get(0);
        List<Integer> all = new ArrayList<>(prompt);
        all.addAll(greedy);
        String promptText = detokenize(fixture, prompt);
        String fullText = detokenize(fixture, all);
        assertThat(fullText).startsWith(promptText);
        assertThat(choice.get("text").asString()).isEqualTo(fullText.substring(promptText.length()));
        assertThat(card.get("architecture").asString()).isNotBlank();
        assertThat(card.get("source_format").asString()).isEqualTo(fixture.endsWith("-onnx") ? "onnx" : "safetensors");
        assertThat(card.get("weight_format").asString()).isEqualTo("fp32");
    }

    @Test
    void shouldChatWithAConvertedModelThroughItsOwnTemplateWithTheOfficialClient() throws IOException {
        dropIn("qwen2", "chat-qwen2");
        awaitReady("chat-qwen2");
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("chat-qwen2")
                .addSystemMessage("You are terse.").addUserMessage("What is the capital of France?")
                .maxCompletionTokens(6).temperature(0.0).build();

        ChatCompletion chat = openAi.chat().completions().create(params);

        assertThat(chat.choices()).hasSize(1);
        assertThat(chat.choices().getFirst().message().content()).isPresent();
        // The prompt is the model's own ChatML rendering of the two messages, as /v1/tokenize renders it.
        HttpResponse<String> tokenized = platform.post("/v1/tokenize", Messages.toJson(Map.of("model", "chat-qwen2",
                "messages", List.of(Map.of("role", "system", "content", "You are terse."),
                        Map.of("role", "user", "content", "What is the capital of France?")))));
        assertThat(tokenized.statusCode()).as(tokenized.body()).isEqualTo(200);
        JsonNode tokens = Messages.mapper().readTree(tokenized.body());
        assertThat(chat.usage().orElseThrow().promptTokens()).isEqualTo(tokens.get("count").asLong());
        assertThat(String.join("", Messages.mapper().convertValue(tokens.get("token_strs"), List.class)))
                .contains("<|im_start|>");
    }

    @Test
    void shouldWithdrawAModelWhoseFolderIsTakenAwayAndAnswer404() throws IOException {
        Path dir = dropIn("smollm2", "short-lived");
        awaitReady("short-lived");

        deleteTree(dir.getParent());

        await().atMost(DISCOVERY_BOUND).pollInterval(Duration.ofMillis(200))
                .until(() -> platform.get("/v1/models/short-lived").statusCode() == 404);
        HttpResponse<String> gone = platform.post("/v1/completions",
                "{\"model\":\"short-lived\",\"prompt\":\"x\",\"max_tokens\":2}");
        assertThat(gone.statusCode()).isEqualTo(404);
    }

    /** Copies the fixture file by file straight into the store, as a user would (no atomic move). */
    private Path dropIn(String fixture, String name) throws IOException {
        Path dir = store.resolve(name).resolve("1");
        Path from = FIXTURES.resolve(fixture);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path to = dir.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else if (!f.getFileName().toString().equals("expected.json")) {
                    Files.copy(f, to);
                }
            }
        }
        if (!fixture.endsWith("-onnx")) {
            Files.writeString(dir.resolve("llm-platform.json"), "{\"weights\": \"fp32\"}");
        }
        return dir;
    }

    /** Listed within the discovery bound (in whatever state), then ready once converted. */
    private JsonNode awaitReady(String name) {
        await().atMost(DISCOVERY_BOUND).pollInterval(Duration.ofMillis(200))
                .until(() -> platform.get("/v1/models/" + name).statusCode() == 200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                "ready".equals(card(name).path("state").asString()) || "failed".equals(card(name).path("state").asString()));
        JsonNode card = card(name);
        assertThat(card.path("state").asString()).as(card.toString()).isEqualTo("ready");
        return card;
    }

    private JsonNode card(String name) {
        return Messages.mapper().readTree(platform.get("/v1/models/" + name).body());
    }

    private String detokenize(String model, List<Integer> ids) {
        HttpResponse<String> response = platform.post("/v1/detokenize", Messages.toJson(Map.of("model", model, "tokens", ids)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Messages.mapper().readTree(response.body()).get("prompt").asString();
    }

    private static List<Integer> ids(JsonNode array) {
        List<Integer> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asInt()));
        return ids;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
