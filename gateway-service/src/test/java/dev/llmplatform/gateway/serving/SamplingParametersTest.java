package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.gateway.chat.ChatController;
import dev.llmplatform.gateway.completions.CompletionsController;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampling surface both endpoints share reaches the published {@link GenerationRequest}s, and
 * {@code n} fans out into indexed choices. Each endpoint is driven with the same parameters.
 */
@WebFluxTest(controllers = {CompletionsController.class, ChatController.class}, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class SamplingParametersTest {

    private static final String COMPLETIONS = "/v1/completions";
    private static final String CHAT = "/v1/chat/completions";

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @Autowired
    JsonMapper json;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {COMPLETIONS, CHAT})
    void shouldPublishPenaltiesMinPLogitBiasSeedAndStopList(String endpoint) {
        post(endpoint, """
                "presence_penalty":0.5,"frequency_penalty":-1.25,"repetition_penalty":1.3,"min_p":0.05,
                "logit_bias":{"42":100,"7":-100},"seed":11,"stop":["\\n","END"],"temperature":0,"user":"alice\"""")
                .expectStatus().isOk();

        GenerationRequest request = backend.requests().getFirst();
        SamplingParams sampling = request.sampling();
        assertThat(sampling.presencePenalty()).isEqualTo(0.5);
        assertThat(sampling.frequencyPenalty()).isEqualTo(-1.25);
        assertThat(sampling.repetitionPenalty()).isEqualTo(1.3);
        assertThat(sampling.minP()).isEqualTo(0.05);
        assertThat(sampling.logitBias()).isEqualTo(Map.of(42, 100.0, 7, -100.0));
        assertThat(sampling.seed()).isEqualTo(11L);
        assertThat(sampling.temperature()).isZero();
        assertThat(sampling.logprobs()).as("none asked for").isNull();
        assertThat(sampling.minTokens()).isZero();
        assertThat(sampling.ignoreEos()).isFalse();
        assertThat(request.stop()).containsExactly("\n", "END");
    }

    @ParameterizedTest
    @ValueSource(strings = {COMPLETIONS, CHAT})
    void shouldPublishVllmsMinTokensAndIgnoreEos(String endpoint) {
        post(endpoint, "\"max_tokens\":8,\"min_tokens\":3,\"ignore_eos\":true").expectStatus().isOk();

        SamplingParams sampling = backend.requests().getFirst().sampling();
        assertThat(sampling.minTokens()).isEqualTo(3);
        assertThat(sampling.ignoreEos()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {COMPLETIONS, CHAT})
    void shouldFanOutNChoicesWithDistinctIdsAndSeedsAndSumTheUsage(String endpoint) {
        JsonNode body = post(endpoint, "\"n\":3,\"seed\":100").expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        List<GenerationRequest> requests = backend.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(GenerationRequest::requestId).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith(body.get("id").asString()));
        assertThat(requests).extracting(r -> r.sampling().seed()).containsExactlyInAnyOrder(100L, 101L, 102L);
        assertThat(body.get("choices").valueStream().map(c -> c.get("index").asInt()).toList()).containsExactly(0, 1, 2);
        assertThat(body.get("choices").valueStream().map(SamplingParametersTest::choiceText).toList())
                .containsOnly("Hello, 世界 🙂");
        assertThat(body.get("usage").get("prompt_tokens").asInt()).as("the one prompt, counted once").isEqualTo(3);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(3 * 5);
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(3 + 15);
    }

    @ParameterizedTest
    @ValueSource(strings = {COMPLETIONS, CHAT})
    void shouldStreamEveryChoiceWithItsOwnIndexAndOneUsageChunk(String endpoint) {
        List<JsonNode> chunks = stream(endpoint, "\"n\":3,\"stream\":true,\"stream_options\":{\"include_usage\":true}");

        JsonNode usage = chunks.getLast();
        assertThat(usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(15);
        List<JsonNode> choices = chunks.subList(0, chunks.size() - 1).stream().map(c -> c.get("choices").get(0)).toList();
        for (int index = 0; index < 3; index++) {
            int i = index;
            List<JsonNode> own = choices.stream().filter(c -> c.get("index").asInt() == i).toList();
            assertThat(own.stream().map(SamplingParametersTest::choiceText).reduce("", String::concat))
                    .isEqualTo("Hello, 世界 🙂");
            assertThat(own.getLast().get("finish_reason").asString()).isEqualTo("length");
        }
        assertThat(chunks).allSatisfy(c -> assertThat(c.has("usage")).isEqualTo(c == usage));
    }

    @ParameterizedTest
    @ValueSource(strings = {COMPLETIONS, CHAT})
    void shouldEndAllChoicesWithOneErrorWhenOneFailsMidway(String endpoint) {
        List<String> lines = lines(endpoint, "fail-midway", "\"n\":2,\"stream\":true");

        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        assertThat(lines.stream().filter(l -> l.contains("\"error\"")).toList()).singleElement()
                .satisfies(l -> assertThat(l).contains("the engine failed"));
    }

    @Test
    void shouldAskForTheLogprobsEachEndpointNames() {
        post(COMPLETIONS, "\"logprobs\":3").expectStatus().isOk();
        post(CHAT, "\"logprobs\":true,\"top_logprobs\":7").expectStatus().isOk();
        post(CHAT, "\"logprobs\":true").expectStatus().isOk();
        post(CHAT, "\"logprobs\":false").expectStatus().isOk();

        assertThat(backend.requests()).extracting(r -> r.sampling().logprobs()).containsExactly(3, 7, 0, null);
    }

    @Test
    void shouldUseTheShorterOfTheClientsTimeoutAndTheConfiguredOne() {
        http.post().uri(CHAT).contentType(MediaType.APPLICATION_JSON).header(RequestTimeout.HEADER, "2.5")
                .bodyValue(body(CHAT, "Say hello", "")).exchange().expectStatus().isOk();
        http.post().uri(COMPLETIONS).contentType(MediaType.APPLICATION_JSON).header(RequestTimeout.HEADER, "9999")
                .bodyValue(body(COMPLETIONS, "Say hello", "")).exchange().expectStatus().isOk();

        assertThat(backend.requests()).extracting(r -> r.deadlineEpochMs() - r.createdEpochMs())
                .containsExactly(2_500L, 120_000L);
    }

    private WebTestClient.ResponseSpec post(String endpoint, String fields) {
        return http.post().uri(endpoint).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(endpoint, "Say hello", fields)).exchange();
    }

    private static String body(String endpoint, String text, String fields) {
        String input = endpoint.equals(CHAT) ? "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]"
                : "\"prompt\":\"" + text + "\"";
        return "{\"model\":\"" + MODEL + "\"," + input + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    private List<String> lines(String endpoint, String text, String fields) {
        String raw = http.post().uri(endpoint).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(endpoint, text, fields)).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return Arrays.stream(raw.split("\n")).filter(line -> !line.isEmpty()).toList();
    }

    private List<JsonNode> stream(String endpoint, String fields) {
        List<String> lines = lines(endpoint, "Say hello", fields);
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        return lines.subList(0, lines.size() - 1).stream().map(l -> json.readTree(l.substring("data: ".length()))).toList();
    }

    /** A completion choice's text, a chat choice's message content or delta content ("" when none). */
    private static String choiceText(JsonNode choice) {
        if (choice.has("text")) {
            return choice.get("text").asString();
        }
        JsonNode holder = choice.has("message") ? choice.get("message") : choice.get("delta");
        return holder.path("content").asString("");
    }
}
