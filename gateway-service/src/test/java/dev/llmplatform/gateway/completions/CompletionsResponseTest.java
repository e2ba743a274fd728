package dev.llmplatform.gateway.completions;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.gateway.support.Replies;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Arrays;
import java.util.List;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/** What a client reads back, streamed or whole, for the replies the back end sends. */
@WebFluxTest(controllers = CompletionsController.class, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class CompletionsResponseTest {

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

    @Test
    void shouldAnswerOneBodyWithTextFinishReasonAndUsage() {
        JsonNode body = post("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"max_tokens\":5}".formatted(MODEL))
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(body.get("id").asString()).startsWith("cmpl-");
        assertThat(body.get("object").asString()).isEqualTo("text_completion");
        assertThat(body.get("model").asString()).isEqualTo(MODEL);
        assertThat(body.get("created").asLong()).isGreaterThan(1_700_000_000L);
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("text").asString()).isEqualTo("Hello, 世界 🙂");
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.has("logprobs")).isTrue();
        assertThat(choice.get("finish_reason").asString()).isEqualTo("length");
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(5);
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void shouldAnswerAListOfPromptsWithNChoicesEachInOpenAisOrder() {
        JsonNode body = post("{\"model\":\"%s\",\"prompt\":[\"Say hello\",\"Say more\"],\"n\":2,\"seed\":7,\"echo\":true}"
                .formatted(MODEL)).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(body.get("choices").valueStream().map(c -> c.get("index").asInt())).containsExactly(0, 1, 2, 3);
        assertThat(body.get("choices").valueStream().map(c -> c.get("text").asString())).containsExactly(
                "Say helloHello, 世界 🙂", "Say helloHello, 世界 🙂", "Say moreHello, 世界 🙂", "Say moreHello, 世界 🙂");
        // Each prompt counted once (3 tokens each in the script), every choice's completion tokens summed.
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(6);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(20);
        assertThat(backend.requests()).extracting(r -> r.prompt())
                .containsExactlyInAnyOrder("Say hello", "Say hello", "Say more", "Say more");
        assertThat(backend.requests()).filteredOn(r -> r.prompt().equals("Say more"))
                .extracting(r -> r.sampling().seed()).containsExactlyInAnyOrder(7L, 8L);

        List<String> lines = streamLines("{\"model\":\"%s\",\"prompt\":[\"Say hello\",\"Say more\"],\"stream\":true,\"echo\":true}"
                .formatted(MODEL));
        List<JsonNode> choices = lines.subList(0, lines.size() - 1).stream()
                .map(line -> payload(line).get("choices").get(0)).toList();
        assertThat(choices).filteredOn(c -> c.get("index").asInt() == 1).first()
                .satisfies(c -> assertThat(c.get("text").asString()).isEqualTo("Say more"));
    }

    @Test
    void shouldPublishTokenIdPromptsAsTheyAreAndEchoTheirText() {
        JsonNode body = post("{\"model\":\"%s\",\"prompt\":[[83,97,121],[72,105]],\"echo\":true}".formatted(MODEL))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        // The scripted tokenizer decodes each id as the code point it names.
        assertThat(body.get("choices").valueStream().map(c -> c.get("text").asString()))
                .containsExactly("SayHello, 世界 🙂", "HiHello, 世界 🙂");
        assertThat(backend.requests()).extracting(r -> r.promptTokenIds())
                .containsExactlyInAnyOrder(List.of(83, 97, 121), List.of(72, 105));
        assertThat(backend.requests()).allSatisfy(r -> assertThat(r.prompt()).isNull());

        post("{\"model\":\"%s\",\"prompt\":[83,97,121]}".formatted(MODEL)).expectStatus().isOk();
        assertThat(backend.requests().getLast().promptTokenIds()).containsExactly(83, 97, 121);
    }

    @Test
    void shouldStreamDataLinesWithFinishReasonOnlyOnTheLastChunkThenDone() {
        List<String> lines = streamLines("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"stream\":true}".formatted(MODEL));

        assertThat(lines).allSatisfy(line -> assertThat(line).startsWith("data: "));
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = lines.subList(0, lines.size() - 1).stream().map(this::payload).toList();
        assertThat(chunks).extracting(c -> c.get("choices").get(0).get("text").asString())
                .as("the empty delta sends no chunk")
                .containsExactly("Hello", ", ", "世界", " 🙂");
        assertThat(chunks).extracting(c -> c.get("id").asString()).containsOnly(chunks.getFirst().get("id").asString());
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asString()).isEqualTo("text_completion");
            assertThat(c.get("model").asString()).isEqualTo(MODEL);
            assertThat(c.has("usage")).isFalse();
        });
        assertThat(chunks).extracting(c -> c.get("choices").get(0).get("finish_reason").asString(null))
                .containsExactly(null, null, null, "length");
    }

    @Test
    void shouldAddAUsageChunkBeforeDoneWhenAskedTo() {
        List<String> lines = streamLines("""
                {"model":"%s","prompt":"Say hello","stream":true,"stream_options":{"include_usage":true}}""".formatted(MODEL));

        JsonNode usageChunk = payload(lines.get(lines.size() - 2));
        assertThat(usageChunk.get("choices").isEmpty()).isTrue();
        assertThat(usageChunk.get("usage").get("total_tokens").asInt()).isEqualTo(8);
        assertThat(payload(lines.get(lines.size() - 3)).get("choices").get(0).get("finish_reason").asString())
                .isEqualTo("length");
    }

    @Test
    void shouldAnswerAFailureBeforeAnyOutputWithAnHttpErrorEvenWhenStreaming() {
        for (boolean stream : new boolean[]{true, false}) {
            post("{\"model\":\"%s\",\"prompt\":\"too-long prompt\",\"stream\":%s}".formatted(MODEL, stream))
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody()
                    .jsonPath("$.error.message").isEqualTo(Replies.TOO_LONG_MESSAGE)
                    .jsonPath("$.error.param").isEqualTo("prompt");
        }
    }

    @Test
    void shouldEndAStreamThatFailsMidwayWithAnErrorEventThenDone() {
        List<String> lines = streamLines("{\"model\":\"%s\",\"prompt\":\"fail-midway\",\"stream\":true}".formatted(MODEL));

        assertThat(lines).hasSize(3);
        assertThat(payload(lines.get(0)).get("choices").get(0).get("text").asString()).isEqualTo("Once");
        JsonNode error = payload(lines.get(1)).get("error");
        assertThat(error.get("message").asString()).isEqualTo("the engine failed");
        assertThat(error.get("type").asString()).isEqualTo("server_error");
        assertThat(lines.get(2)).isEqualTo("data: [DONE]");
    }

    @Test
    void shouldPublishTheRequestWithModelDefaultsWhereTheClientLeftSettingsOut() {
        post("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"top_p\":0.9,\"seed\":7,\"stop\":[\"\\n\",\"END\"]}"
                .formatted(MODEL)).expectStatus().isOk();

        GenerationRequest request = backend.requests().getFirst();
        assertThat(request.prompt()).isEqualTo("Say hello");
        assertThat(request.maxTokens()).as("OpenAI's default").isEqualTo(16);
        assertThat(request.sampling().temperature()).as("from generation_config.json").isEqualTo(0.7);
        assertThat(request.sampling().topK()).as("from generation_config.json").isEqualTo(40);
        assertThat(request.sampling().topP()).as("from the request").isEqualTo(0.9);
        assertThat(request.sampling().seed()).isEqualTo(7L);
        assertThat(request.stop()).containsExactly("\n", "END");
        assertThat(request.stream()).isFalse();
        assertThat(request.deadlineEpochMs() - request.createdEpochMs()).as("the configured timeout").isEqualTo(120_000);
    }

    @Test
    void shouldGiveLegacyLogprobsWithTokensTopDictsAndTextOffsets() {
        JsonNode logprobs = post("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"logprobs\":2}".formatted(MODEL))
                .expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("choices").get(0).get("logprobs");

        assertThat(logprobs.get("tokens").valueStream().map(JsonNode::asString))
                .containsExactly("Hello", ", ", "\uFFFD", "世界", " 🙂");
        assertThat(logprobs.get("token_logprobs").valueStream().map(JsonNode::asDouble))
                .containsExactly(-0.1, -0.2, -0.30000000000000004, -0.4, -0.9);
        assertThat(logprobs.get("text_offset").valueStream().map(JsonNode::asInt)).containsExactly(0, 5, 7, 8, 10);
        JsonNode top = logprobs.get("top_logprobs").get(3);
        assertThat(top.propertyNames()).containsExactly("世界", "alt1");
        assertThat(top.get("alt1").asDouble()).isEqualTo(-1.4);
    }

    @Test
    void shouldStreamTextOffsetsThatContinueAcrossChunks() {
        List<String> lines = streamLines("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"logprobs\":0,\"stream\":true}"
                .formatted(MODEL));

        List<Integer> offsets = lines.subList(0, lines.size() - 1).stream().map(this::payload)
                .flatMap(c -> c.get("choices").get(0).get("logprobs").get("text_offset").valueStream())
                .map(JsonNode::asInt).toList();
        assertThat(offsets).containsExactly(0, 5, 7, 8, 10);
    }

    @Test
    void shouldEchoThePromptBeforeTheCompletionWholeAndStreamed() {
        JsonNode body = post("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"echo\":true}".formatted(MODEL))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(body.get("choices").get(0).get("text").asString()).isEqualTo("Say helloHello, 世界 🙂");

        List<String> lines = streamLines("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"echo\":true,\"stream\":true}"
                .formatted(MODEL));
        assertThat(payload(lines.getFirst()).get("choices").get(0).get("text").asString()).isEqualTo("Say hello");
        assertThat(backend.requests()).allSatisfy(r -> assertThat(r.prompt()).isEqualTo("Say hello"));
        assertThat(backend.requests()).allSatisfy(r -> assertThat(r.promptLogprobs()).as("echo alone").isNull());
    }

    @Test
    void shouldPutThePromptsTokensBeforeTheCompletionsInTheLogprobsOfAnEcho() {
        JsonNode choice = post("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"echo\":true,\"logprobs\":2}".formatted(MODEL))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("choices").get(0);
        JsonNode logprobs = choice.get("logprobs");

        assertThat(choice.get("text").asString()).isEqualTo("Say helloHello, 世界 🙂");
        assertThat(logprobs.get("tokens").valueStream().map(JsonNode::asString))
                .containsExactly("Say", " hello", "Hello", ", ", "\uFFFD", "世界", " 🙂");
        // The scripted partial-character token reads as U+FFFD; every other piece spells the text.
        assertThat(String.join("", logprobs.get("tokens").valueStream().map(JsonNode::asString).toList())
                .replace("\uFFFD", "")).isEqualTo(choice.get("text").asString());
        assertThat(logprobs.get("token_logprobs").get(0).isNull()).isTrue();
        assertThat(logprobs.get("top_logprobs").get(0).isNull()).isTrue();
        assertThat(logprobs.get("token_logprobs").get(1).asDouble()).isEqualTo(-0.5);
        assertThat(logprobs.get("top_logprobs").get(1).propertyNames()).containsExactly(" hello", "p1");
        assertThat(logprobs.get("token_logprobs").get(2).asDouble()).isEqualTo(-0.1);
        assertThat(logprobs.get("text_offset").valueStream().map(JsonNode::asInt)).containsExactly(0, 3, 9, 14, 16, 17, 19);
        assertThat(backend.requests()).allSatisfy(r -> assertThat(r.promptLogprobs()).isEqualTo(2));
    }

    @Test
    void shouldStreamThePromptsLogprobsWithTheEchoAndContinueTheOffsetsAfterThem() {
        List<String> lines = streamLines(("{\"model\":\"%s\",\"prompt\":\"Say hello\",\"echo\":true,\"logprobs\":1,"
                + "\"stream\":true}").formatted(MODEL));
        List<JsonNode> choices = lines.subList(0, lines.size() - 1).stream()
                .map(line -> payload(line).get("choices").get(0)).toList();

        JsonNode opening = choices.getFirst();
        assertThat(opening.get("text").asString()).isEqualTo("Say hello");
        assertThat(opening.get("logprobs").get("tokens").valueStream().map(JsonNode::asString)).containsExactly("Say", " hello");
        assertThat(opening.get("logprobs").get("token_logprobs").get(0).isNull()).isTrue();
        assertThat(opening.get("logprobs").get("top_logprobs").get(1).propertyNames()).containsExactly(" hello");
        assertThat(choices.stream().flatMap(c -> c.get("logprobs").get("text_offset").valueStream()).map(JsonNode::asInt))
                .containsExactly(0, 3, 9, 14, 16, 17, 19);
    }

    private WebTestClient.ResponseSpec post(String body) {
        return http.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private List<String> streamLines(String body) {
        String raw = post(body)
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(raw).endsWith("\n\n");
        return Arrays.stream(raw.split("\n")).filter(line -> !line.isEmpty()).toList();
    }

    private JsonNode payload(String line) {
        return json.readTree(line.substring("data: ".length()));
    }
}
