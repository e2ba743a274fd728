package dev.llmplatform.launcher;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.inference.generation.ModelEngines;
import dev.llmplatform.inference.engine.EngineStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The OpenAI surface of the real platform (broker, four services, the default model): the official
 * OpenAI Java client, the sampling parameters observed in what the model writes, tokenize and
 * detokenize, and cancellation observed in the inference engine itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiSurfaceEndToEndTest {

    private static final String MODEL = CompletionContract.model();
    /** The default model's end-of-text id; biased away so a long generation cannot end early. */
    private static final String NO_EOS = "\"logit_bias\":{\"0\":-100}";

    private PlatformUnderTest platform;
    private OpenAIClient openAi;

    /**
     * A random decoder with a long context, so cancellation tests can ask for a generation that
     * takes seconds however fast the machine is (the starter model's 256 tokens may finish first):
     * 16,000 tokens, several seconds even at this tiny model's few thousand tokens a second, so a
     * cancel slowed by a loaded CI machine still comes long before the generation would end.
     */
    private static final String LONG_MODEL = "long-context-random";
    private static final int LONG_GENERATION = 16_000;

    @BeforeAll
    void start() throws java.io.IOException {
        java.nio.file.Path dataDir = java.nio.file.Files.createTempDirectory("llm-platform-e2e-");
        dev.llmplatform.launcher.models.DefaultModels.writeRandomDecoder(
                new dev.llmplatform.model.ModelStore(dataDir.resolve("models")), LONG_MODEL, LONG_GENERATION + 96);
        platform = PlatformUnderTest.start(dataDir, null, Map.of());
        // Loaded now, so that no test's deadline or cancel, whatever the test order, includes loading it.
        HttpResponse<String> load = platform.post("/v1/completions",
                "{\"model\":\"%s\",\"prompt\":\"从前\",\"max_tokens\":1}".formatted(LONG_MODEL));
        assertThat(load.statusCode()).as(load.body()).isEqualTo(200);
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
    void shouldServeChatToTheOfficialClientStreamedAndWholeWithLogprobs() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(MODEL)
                .addSystemMessage("Answer briefly.").addUserMessage("你好，请讲个故事")
                .maxCompletionTokens(12).temperature(0.0).logprobs(true).topLogprobs(3).build();

        ChatCompletion whole = openAi.chat().completions().create(params);
        ChatCompletion.Choice choice = whole.choices().getFirst();
        String content = choice.message().content().orElseThrow();
        List<ChatCompletionTokenLogprob> logprobs = choice.logprobs().orElseThrow().content().orElseThrow();
        assertThat(logprobs).hasSize((int) whole.usage().orElseThrow().completionTokens());
        assertThat(logprobs).allSatisfy(lp -> assertThat(lp.topLogprobs()).hasSize(3));

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(params)) {
            List<ChatCompletionChunk> chunks = stream.stream().toList();
            assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
            chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
            assertThat(chunks.getLast().choices().getFirst().finishReason()).isPresent();
        }
        assertThat(streamed.toString()).as("greedy: the stream says what the whole answer said").isEqualTo(content);
    }

    @Test
    void shouldServeCompletionsToTheOfficialClientStreamedAndWholeWithLogprobs() {
        CompletionCreateParams params = CompletionCreateParams.builder().model(MODEL).prompt("从前有一座山")
                .maxTokens(10).temperature(0.0).logprobs(2).build();

        Completion whole = openAi.completions().create(params);
        var logprobs = whole.choices().getFirst().logprobs().orElseThrow();
        assertThat(logprobs.tokens().orElseThrow()).hasSize((int) whole.usage().orElseThrow().completionTokens());
        assertThat(logprobs.tokenLogprobs().orElseThrow()).allSatisfy(lp -> assertThat(lp).isLessThanOrEqualTo(0.0));

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = openAi.completions().createStreaming(params)) {
            stream.stream().forEach(c -> c.choices().forEach(ch -> streamed.append(ch.text())));
        }
        assertThat(streamed.toString()).isEqualTo(whole.choices().getFirst().text());
    }

    @Test
    void shouldEchoThePromptWithItsTokensLogprobsBeforeTheCompletions() {
        String prompt = "Once upon a time";
        JsonNode body = complete("\"prompt\":\"%s\",\"echo\":true,\"logprobs\":2,\"max_tokens\":1,\"temperature\":0,%s"
                .formatted(prompt, NO_EOS));
        JsonNode logprobs = body.at("/choices/0/logprobs");
        List<String> tokens = logprobs.get("tokens").valueStream().map(JsonNode::asString).toList();
        List<JsonNode> tokenLogprobs = logprobs.get("token_logprobs").valueStream().toList();

        assertThat(text(body)).startsWith(prompt);
        // ASCII through a byte-level tokenizer: every token's text is whole, so the pieces spell the text.
        assertThat(String.join("", tokens)).isEqualTo(text(body));
        assertThat(tokens).hasSize(body.at("/usage/prompt_tokens").asInt() + body.at("/usage/completion_tokens").asInt());
        assertThat(tokenLogprobs.getFirst().isNull()).as("nothing precedes the first prompt token").isTrue();
        assertThat(logprobs.get("top_logprobs").get(0).isNull()).isTrue();
        assertThat(tokenLogprobs.subList(1, tokenLogprobs.size()))
                .allSatisfy(lp -> assertThat(lp.isNumber() && lp.asDouble() <= 0.0).as(lp.toString()).isTrue());
        assertThat(logprobs.get("text_offset").get(tokens.size() - 1).asInt())
                .isEqualTo(text(body).length() - tokens.getLast().length());
    }

    @Test
    void shouldForceATokenWithALogitBiasOfPlus100() {
        // ASCII: a token of whole characters, so the text shows exactly which token came out.
        JsonNode tokens = post("/v1/tokenize", "{\"model\":\"%s\",\"prompt\":\"the\",\"add_special_tokens\":false}");
        int id = tokens.get("tokens").get(0).asInt();
        String text = tokens.get("token_strs").get(0).asString();

        String unbiased = text(complete("\"prompt\":\"从前\",\"max_tokens\":4,\"temperature\":0"));
        String biased = text(complete("\"prompt\":\"从前\",\"max_tokens\":4,\"temperature\":0,\"logit_bias\":{\"%d\":100}"
                .formatted(id)));
        assertThat(biased).isEqualTo(text.repeat(4)).isNotEqualTo(unbiased);
    }

    @Test
    void shouldGiveThreeIndexedChoicesThatRepeatForTheSameSeed() {
        // A story prompt: out of its corpus (e.g. "从前") the starter is so sure of its chat template that choices repeat.
        String fields = "\"prompt\":\"The dogs near the cat\",\"max_tokens\":8,\"temperature\":1.0,\"n\":3,\"seed\":5";
        JsonNode first = complete(fields);
        JsonNode second = complete(fields);

        assertThat(first.get("choices").valueStream().map(c -> c.get("index").asInt())).containsExactly(0, 1, 2);
        assertThat(texts(first)).isEqualTo(texts(second)).doesNotHaveDuplicates();
        assertThat(first.get("usage").get("completion_tokens").asInt()).isGreaterThan(8);
    }

    @Test
    void shouldCompleteAListOfPromptsEachAsItWouldBeAlone() {
        String one = text(complete("\"prompt\":\"从前\",\"max_tokens\":6,\"temperature\":0"));
        String two = text(complete("\"prompt\":\"Once upon a time\",\"max_tokens\":6,\"temperature\":0"));

        JsonNode both = complete("\"prompt\":[\"从前\",\"Once upon a time\"],\"max_tokens\":6,\"temperature\":0");

        assertThat(both.get("choices").valueStream().map(c -> c.get("index").asInt())).containsExactly(0, 1);
        assertThat(texts(both)).containsExactly(one, two);
    }

    @Test
    void shouldCompleteATokenIdPromptAsTheTextItEncodes() {
        JsonNode tokenized = post("/v1/tokenize", "{\"model\":\"%s\",\"prompt\":\"Once upon a time\",\"add_special_tokens\":false}");
        String ids = tokenized.get("tokens").toString();
        String fromText = text(complete("\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0"));

        JsonNode fromIds = complete("\"prompt\":" + ids + ",\"max_tokens\":8,\"temperature\":0,\"echo\":true");

        assertThat(text(fromIds)).isEqualTo("Once upon a time" + fromText);
        assertThat(fromIds.at("/usage/prompt_tokens").asInt()).isEqualTo(tokenized.get("count").asInt());
    }

    @Test
    void shouldHonourVllmsIgnoreEosAndMinTokens() {
        // A prompt the starter ends by itself (end of text) well before 100 tokens; greedy, so it ends the same way again.
        String fields = null;
        int ended = 0;
        for (String prompt : List.of("Anna found the key.", "The cat sat on the mat.", "Once upon a time", "Tom met Lily.")) {
            String candidate = "\"prompt\":\"" + prompt + "\",\"max_tokens\":100,\"temperature\":0";
            JsonNode plain = complete(candidate);
            if (plain.at("/choices/0/finish_reason").asString().equals("stop") && plain.at("/usage/completion_tokens").asInt() < 90) {
                fields = candidate;
                ended = plain.at("/usage/completion_tokens").asInt();
                break;
            }
        }
        assertThat(fields).as("a prompt the starter ends by itself within 90 tokens").isNotNull();

        JsonNode ignoring = complete(fields + ",\"ignore_eos\":true");
        JsonNode atLeast = complete(fields + ",\"min_tokens\":" + (ended + 10));

        assertThat(ignoring.at("/choices/0/finish_reason").asString()).isEqualTo("length");
        assertThat(ignoring.at("/usage/completion_tokens").asInt()).isEqualTo(100);
        assertThat(atLeast.at("/usage/completion_tokens").asInt()).isGreaterThanOrEqualTo(ended + 10);
    }

    @Test
    void shouldStopJustBeforeAStopStringTheModelWrites() {
        String greedy = text(complete("\"prompt\":\"从前\",\"max_tokens\":24,\"temperature\":0," + NO_EOS));
        int at = firstNewCharacter(greedy);
        String stop = greedy.substring(at, greedy.offsetByCodePoints(at, 1));

        JsonNode stopped = complete("\"prompt\":\"从前\",\"max_tokens\":24,\"temperature\":0,%s,\"stop\":[\"%s\"]"
                .formatted(NO_EOS, stop));
        assertThat(text(stopped)).isEqualTo(greedy.substring(0, at));
        assertThat(stopped.get("choices").get(0).get("finish_reason").asString()).isEqualTo("stop");
    }

    @Test
    void shouldStopGeneratingAWholeResponseAtItsStopStringInsteadOfRunningToMaxTokens() {
        // Seeded sampling from the long-context model: the same text again, so the stop string is met again.
        String sampled = "\"model\":\"%s\",\"prompt\":\"从前\",\"temperature\":1,\"seed\":11,%s".formatted(LONG_MODEL, NO_EOS);
        String start = text(postBody("/v1/completions", "{" + sampled + ",\"max_tokens\":24}"));
        int at = firstNewCharacter(start);
        String stop = start.substring(at, start.offsetByCodePoints(at, 1));
        long before = engine(LONG_MODEL).generatedTokens();

        JsonNode stopped = postBody("/v1/completions", "{%s,\"max_tokens\":%d,\"stop\":[%s]}"
                .formatted(sampled, LONG_GENERATION, Messages.toJson(stop)));

        assertThat(text(stopped)).isEqualTo(start.substring(0, at));
        assertThat(stopped.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        // The tokenizer's stop check cancels the engine a few tokens past the stop string, not 4,000.
        assertThat(engine(LONG_MODEL).generatedTokens() - before).as("tokens generated").isLessThan(LONG_GENERATION / 4);
        assertThat(stopped.at("/usage/completion_tokens").asInt()).isLessThan(LONG_GENERATION / 4);
    }

    @Test
    void shouldChangeGreedyOutputWithPenaltiesAndSampleGreedilyWithMinP1() {
        // A story prompt, whose greedy text loops through the corpus's templates: far from its corpus the starter's
        // margins are wider than any penalty (vLLM's range stops at 2).
        String base = "\"prompt\":\"The dogs near the cat\",\"max_tokens\":24,\"temperature\":0," + NO_EOS;
        JsonNode greedy = complete(base + ",\"logprobs\":0");
        List<String> tokens = greedy.at("/choices/0/logprobs/tokens").valueStream().map(JsonNode::asString).toList();
        assertThat(tokens).as("the case only shows something if greedy repeats a token").hasSizeGreaterThan(
                (int) tokens.stream().distinct().count());

        for (String penalty : List.of("\"frequency_penalty\":2", "\"presence_penalty\":2", "\"repetition_penalty\":2")) {
            assertThat(text(complete(base + "," + penalty))).as(penalty).isNotEqualTo(text(greedy));
        }
        String sampled = "\"prompt\":\"The dogs near the cat\",\"max_tokens\":24,\"temperature\":2,\"top_p\":1,\"seed\":3,"
                + NO_EOS;
        assertThat(text(complete(sampled))).isNotEqualTo(text(greedy));
        assertThat(text(complete(sampled + ",\"min_p\":1"))).as("only the most likely token survives")
                .isEqualTo(text(greedy));
    }

    @Test
    void shouldReturnSortedTopLogprobsThatAgreeWithTheChosenToken() {
        JsonNode body = post("/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"讲个故事"}],"max_completion_tokens":12,
                 "temperature":0,"logprobs":true,"top_logprobs":5}""");
        JsonNode content = body.at("/choices/0/logprobs/content");

        assertThat(content.size()).isPositive();
        for (JsonNode entry : content) {
            double logprob = entry.get("logprob").asDouble();
            List<JsonNode> top = entry.get("top_logprobs").valueStream().toList();
            assertThat(logprob).isLessThanOrEqualTo(0.0);
            assertThat(top.stream().map(t -> t.get("logprob").asDouble()).toList())
                    .isSortedAccordingTo((a, b) -> Double.compare(b, a));
            // Greedy, and logprobs are the model's own: the chosen token is the most likely one.
            assertThat(top.getFirst().get("token").asString()).isEqualTo(entry.get("token").asString());
            assertThat(top.getFirst().get("logprob").asDouble()).isEqualTo(logprob);
        }
    }

    @Test
    void shouldRoundTripChineseAndEmojiThroughTokenizeAndDetokenize() {
        String text = "你好，世界！🙂 Emoji 🚀 和中文";
        JsonNode tokens = post("/v1/tokenize", "{\"model\":\"%s\",\"prompt\":\"" + text + "\",\"add_special_tokens\":false}");
        assertThat(tokens.get("count").asInt()).isEqualTo(tokens.get("tokens").size()).isPositive();
        assertThat(tokens.get("token_strs").size()).isEqualTo(tokens.get("count").asInt());
        assertThat(tokens.get("max_model_len").asInt()).isPositive();

        JsonNode back = post("/v1/detokenize", "{\"model\":\"%s\",\"tokens\":" + tokens.get("tokens") + "}");
        assertThat(back.get("prompt").asString()).isEqualTo(text);

        JsonNode chat = post("/v1/tokenize", "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}");
        assertThat(chat.get("count").asInt()).isGreaterThan(tokens.get("count").asInt());
    }

    @Test
    void shouldFreeTheEngineSequenceSoonAfterTheClientDisconnects() {
        long before = engine(LONG_MODEL).generatedTokens();
        try (RawSseClient client = RawSseClient.post(platform.platform.gatewayPort(), "/v1/completions",
                "{\"model\":\"%s\",\"prompt\":\"从前\",\"max_tokens\":%d,\"stream\":true,%s}"
                        .formatted(LONG_MODEL, LONG_GENERATION, NO_EOS))) {
            assertThat(client.nextData()).contains("\"text\"");
            assertThat(engine(LONG_MODEL).running()).as("still generating when the client leaves").isEqualTo(1);
        }
        // Tens of milliseconds when the machine is idle (two Kafka hops); the bound leaves room for a loaded one.
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> engine(LONG_MODEL).running() == 0);
        assertThat(engine(LONG_MODEL).generatedTokens() - before).as("cut short").isLessThan(LONG_GENERATION / 2);
    }

    @Test
    void shouldEndAtTheClientsDeadlineWithAnErrorEventAndFreeTheEngine() throws Exception {
        long before = engine(LONG_MODEL).generatedTokens();
        HttpResponse<Stream<String>> response = platform.postStreaming("/v1/completions",
                "{\"model\":\"%s\",\"prompt\":\"从前\",\"max_tokens\":%d,\"stream\":true,%s}"
                        .formatted(LONG_MODEL, LONG_GENERATION, NO_EOS),
                // Long enough that the first token always comes first (else the answer is a plain 504, not a stream),
                // short against the 16,000 tokens asked.
                Map.of("X-Request-Timeout", "1.5"));
        List<String> lines = PlatformUnderTest.dataLines(response.body());

        assertThat(response.statusCode()).as(String.join("\n", lines)).isEqualTo(200);
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        JsonNode error = Messages.mapper().readTree(lines.get(lines.size() - 2).substring(5)).get("error");
        assertThat(error.get("message").asString()).contains("deadline");
        await().atMost(Duration.ofSeconds(3)).until(() -> engine(LONG_MODEL).running() == 0);
        assertThat(engine(LONG_MODEL).generatedTokens() - before).as("cut short").isLessThan(LONG_GENERATION / 2);
    }

    // --- helpers

    private EngineStats engine(String model) {
        Map<String, EngineStats> stats = platform.platform.context("inference").getBean(ModelEngines.class).stats();
        return stats.entrySet().stream().filter(e -> e.getKey().startsWith(model + ":")).map(Map.Entry::getValue)
                .findFirst().orElse(new EngineStats(0, 0, 0, 1, 0, 0, 0));
    }

    private JsonNode complete(String fields) {
        return post("/v1/completions", "{\"model\":\"%s\"," + fields + "}");
    }

    /** Posts a body whose first {@code %s} is the model; fails on anything but 200. */
    private JsonNode post(String path, String template) {
        return postBody(path, template.formatted(MODEL));
    }

    private JsonNode postBody(String path, String body) {
        HttpResponse<String> response = platform.post(path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Messages.mapper().readTree(response.body());
    }

    private static String text(JsonNode completion) {
        return completion.at("/choices/0/text").asString();
    }

    private static List<String> texts(JsonNode completion) {
        return completion.get("choices").valueStream().map(c -> c.get("text").asString()).toList();
    }

    /** Index of the first character (after the first) that does not occur before it. */
    private static int firstNewCharacter(String text) {
        for (int i = text.offsetByCodePoints(0, 1); i < text.length(); i = text.offsetByCodePoints(i, 1)) {
            String c = text.substring(i, text.offsetByCodePoints(i, 1));
            if (!text.substring(0, i).contains(c) && !c.isBlank() && !c.equals("\uFFFD")) {
                return i;
            }
        }
        throw new AssertionError("no usable stop string in " + text);
    }
}
