package dev.llmplatform.launcher;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Structured output on the real platform (broker, four services, the default starter model, no test doubles):
 * the official OpenAI Java client's {@code responseFormat(Class)} gets an answer that parses into the record,
 * whole and streamed; a JSON schema with a bounded string; vLLM's {@code structured_outputs} regex and choice on
 * completions; {@code max_tokens} cutting a constrained answer ends with {@code length}; a schema keyword the
 * compiler cannot handle is a 400 naming the parameter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StructuredOutputEndToEndTest {

    private static final String MODEL = CompletionContract.model();

    enum Mood { HAPPY, SAD, CALM }

    record Verdict(Mood mood, boolean friendly, long stars) {
    }

    private PlatformUnderTest platform;
    private OpenAIClient openAi;

    @BeforeAll
    void start() throws java.io.IOException {
        platform = PlatformUnderTest.start(Files.createTempDirectory("llm-platform-structured-"), null, Map.of());
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
    void shouldAnswerARecordsSchemaThatParsesIntoTheRecordWholeAndStreamed() {
        StructuredChatCompletionCreateParams<Verdict> params = ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("How was your day? Answer in JSON.").maxCompletionTokens(60).temperature(0.0)
                .responseFormat(Verdict.class).build();

        StructuredChatCompletion<Verdict> whole = openAi.chat().completions().create(params);
        StructuredChatCompletion.Choice<Verdict> choice = whole.choices().getFirst();
        Verdict verdict = choice.message().content().orElseThrow();
        assertThat(verdict.mood()).isNotNull();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(params)) {
            stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
        }
        Verdict again = JsonMapper.builder().build().readValue(streamed.toString(), Verdict.class);
        assertThat(again).as("greedy: streamed equals whole").isEqualTo(verdict);
    }

    @Test
    void shouldKeepSampledAnswersInsideAJsonSchemaForEveryChoice() {
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("city").strict(true).schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "name", Map.of("type", "string", "maxLength", 8),
                                "population", Map.of("type", "integer", "minimum", 0, "maximum", 99999))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("name", "population")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build()).build()).build();
        ChatCompletion answer = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("Name a city.").maxCompletionTokens(80).temperature(1.0).seed(5L).n(3)
                .responseFormat(format).build());
        assertThat(answer.choices()).hasSize(3).allSatisfy(c -> {
            JsonNode city = JsonMapper.builder().build().readTree(c.message().content().orElseThrow());
            assertThat(city.propertyNames()).containsExactlyInAnyOrder("name", "population");
            assertThat(city.get("name").asString().codePointCount(0, city.get("name").asString().length())).isLessThanOrEqualTo(8);
            assertThat(city.get("population").asLong()).isBetween(0L, 99999L);
        });
    }

    @Test
    void shouldFollowVllmsRegexAndChoiceOnCompletions() {
        Completion regex = openAi.completions().create(CompletionCreateParams.builder().model(MODEL).prompt("Order number:")
                .maxTokens(30).temperature(0.7).seed(3L)
                .putAdditionalBodyProperty("structured_outputs", JsonValue.from(Map.of("regex", "[A-Z]{2}-[0-9]{3,4}")))
                .build());
        assertThat(regex.choices().getFirst().text()).matches("[A-Z]{2}-[0-9]{3,4}");
        Completion choice = openAi.completions().create(CompletionCreateParams.builder().model(MODEL).prompt("你好吗？")
                .maxTokens(10).temperature(0.0)
                .putAdditionalBodyProperty("structured_outputs", JsonValue.from(Map.of("choice", List.of("好", "不好", "还行"))))
                .build());
        assertThat(choice.choices().getFirst().text()).isIn("好", "不好", "还行");
    }

    @Test
    void shouldEndWithLengthWhenMaxTokensCutsAConstrainedAnswer() {
        ChatCompletion cut = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("JSON please").maxCompletionTokens(2).temperature(0.0)
                .responseFormat(ResponseFormatJsonObject.builder().build()).build());
        assertThat(cut.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(cut.choices().getFirst().message().content().orElseThrow()).startsWith("{");
    }

    @Test
    void shouldRefuseASchemaKeywordItCannotCompileNamingTheParameter() {
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("bad").schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("array"))
                        .putAdditionalProperty("uniqueItems", JsonValue.from(true)).build()).build()).build();
        assertThatThrownBy(() -> openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("hi").maxCompletionTokens(5).responseFormat(format).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("uniqueItems");
                    assertThat(e.param()).contains("response_format.json_schema.schema");
                });
    }
}
