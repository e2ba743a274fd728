package dev.llmplatform.launcher;

import dev.llmplatform.contracts.Messages;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end checks of a prompt streamed through the whole platform over real HTTP and a real
 * broker, shared by the in-process broker run and the Testcontainers run.
 */
abstract class CompletionContract {

    abstract PlatformUnderTest platform();

    static String model() {
        return dev.llmplatform.launcher.models.DefaultModels.DEFAULT_MODEL;
    }

    @Test
    void shouldStreamCompletionChunksInOrderEndingWithDone() {
        String body = """
                {"model":"%s","prompt":"The animal didn't cross the street because","max_tokens":12,
                 "temperature":0.8,"seed":7,"stream":true}""".formatted(model());
        HttpResponse<Stream<String>> response = platform().postStreaming("/v1/completions", body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/event-stream"));
        List<String> lines = PlatformUnderTest.dataLines(response.body());
        assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("data:"));
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");

        List<JsonNode> chunks = new ArrayList<>();
        for (String line : lines.subList(0, lines.size() - 1)) {
            chunks.add(Messages.mapper().readTree(line.substring("data:".length()).trim()));
        }
        assertThat(chunks).isNotEmpty();
        String id = chunks.getFirst().get("id").asString();
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode chunk = chunks.get(i);
            assertThat(chunk.get("id").asString()).isEqualTo(id);
            assertThat(chunk.get("object").asString()).isEqualTo("text_completion");
            assertThat(chunk.get("model").asString()).isEqualTo(model());
            JsonNode choice = chunk.get("choices").get(0);
            assertThat(choice.get("index").asInt()).isZero();
            boolean last = i == chunks.size() - 1;
            if (last) {
                assertThat(choice.get("finish_reason").asString()).isIn("stop", "length");
            } else {
                assertThat(choice.get("finish_reason").isNull()).isTrue();
            }
        }
    }

    @Test
    void shouldGiveTheSameTextForTheSameSeed() {
        String body = """
                {"model":"%s","prompt":"Once upon a time","max_tokens":16,"temperature":1.0,"top_p":0.95,
                 "top_k":50,"seed":1234}""".formatted(model());
        JsonNode first = Messages.mapper().readTree(platform().post("/v1/completions", body).body());
        JsonNode second = Messages.mapper().readTree(platform().post("/v1/completions", body).body());

        String text = first.get("choices").get(0).get("text").asString();
        assertThat(second.get("choices").get(0).get("text").asString()).isEqualTo(text);
        JsonNode usage = first.get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isBetween(1, 16);
        assertThat(usage.get("prompt_tokens").asInt()).isPositive();
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    }

    @Test
    void shouldStreamTheSameTextAsTheNonStreamedAnswerForTheSameSeed() {
        String body = """
                {"model":"%s","prompt":"She said","max_tokens":10,"temperature":0.9,"seed":99%s}""";
        JsonNode whole = Messages.mapper().readTree(platform().post("/v1/completions", body.formatted(model(), "")).body());
        List<String> lines = PlatformUnderTest.dataLines(
                platform().postStreaming("/v1/completions", body.formatted(model(), ",\"stream\":true")).body());
        StringBuilder streamed = new StringBuilder();
        for (String line : lines.subList(0, lines.size() - 1)) {
            streamed.append(Messages.mapper().readTree(line.substring(5).trim()).get("choices").get(0).get("text").asString());
        }
        assertThat(streamed.toString()).isEqualTo(whole.get("choices").get(0).get("text").asString());
    }

    @Test
    void shouldListTheDefaultModel() {
        JsonNode models = Messages.mapper().readTree(platform().get("/v1/models").body());
        assertThat(models.get("object").asString()).isEqualTo("list");
        assertThat(models.get("data").valueStream().map(m -> m.get("id").asString())).contains(model());
    }

    @Test
    void shouldAnswerBadInputWithOpenAiErrors() {
        assertError(platform().post("/v1/completions", "{\"model\": \"x\", "), 400, null);
        assertError(platform().post("/v1/completions", "{\"model\":\"no-such-model\",\"prompt\":\"hi\"}"), 404, "model");
        assertError(post("\"max_tokens\":0"), 400, "max_tokens");
        assertError(post("\"temperature\":-0.5"), 400, "temperature");
        assertError(post("\"top_p\":1.5"), 400, "top_p");
        assertError(platform().post("/v1/completions", "{\"model\":\"%s\",\"prompt\":\"\"}".formatted(model())), 400, "prompt");
    }

    @Test
    void shouldRefuseAPromptLongerThanTheContextSayingTheNumbers() {
        String longPrompt = "the cat sat on the mat and ".repeat(400);
        for (boolean stream : new boolean[]{false, true}) {
            HttpResponse<String> response = platform().post("/v1/completions",
                    "{\"model\":\"%s\",\"prompt\":\"%s\",\"stream\":%s}".formatted(model(), longPrompt, stream));
            JsonNode error = assertError(response, 400, null);
            assertThat(error.get("message").asString()).containsPattern("\\d+").contains("context");
        }
    }

    private HttpResponse<String> post(String field) {
        return platform().post("/v1/completions", "{\"model\":\"%s\",\"prompt\":\"hi\",%s}".formatted(model(), field));
    }

    static JsonNode assertError(HttpResponse<String> response, int status, String param) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = Messages.mapper().readTree(response.body()).get("error");
        assertThat(error).as(response.body()).isNotNull();
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.has("type")).isTrue();
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
        if (param != null) {
            assertThat(error.get("param").asString()).isEqualTo(param);
        }
        return error;
    }
}
