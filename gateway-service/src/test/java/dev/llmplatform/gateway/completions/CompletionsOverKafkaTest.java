package dev.llmplatform.gateway.completions;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.gateway.support.KafkaGatewayTest;
import dev.llmplatform.gateway.support.Replies;
import dev.llmplatform.gateway.support.TokenizerPeer;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.llmplatform.gateway.support.TestModelStore.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Completions through Kafka: requests out, replies back on this instance's own partition, cancels. */
class CompletionsOverKafkaTest extends KafkaGatewayTest {

    @Test
    void shouldStreamTheRepliesOfItsOwnPartitionAsChunksEndingWithDone() {
        HttpResponse<String> response = post("/v1/completions",
                "{\"model\":\"%s\",\"prompt\":\"Say hello\",\"max_tokens\":5,\"stream\":true}".formatted(MODEL));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(MediaType.TEXT_EVENT_STREAM_VALUE));
        List<String> lines = dataLines(response.body());
        assertThat(lines).allSatisfy(line -> assertThat(line).startsWith("data: "));
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = lines.subList(0, lines.size() - 1).stream().map(CompletionsOverKafkaTest::payload).toList();
        assertThat(chunks).extracting(c -> c.get("choices").get(0).get("text").asString())
                .containsExactly("Hello", ", ", "世界", " 🙂");
        assertThat(chunks).extracting(c -> c.get("choices").get(0).get("finish_reason").asString(null))
                .containsExactly(null, null, null, "length");
        String id = chunks.getFirst().get("id").asString();
        assertThat(chunks).allSatisfy(c -> assertThat(c.get("id").asString()).isEqualTo(id));
        assertThat(response.body()).doesNotContain(TokenizerPeer.DECOY_TEXT);

        GenerationRequest published = requestWithId(id);
        assertThat(published.replyTo().topic()).isEqualTo(Topics.GENERATION_EVENTS.name());
        assertThat(published.replyTo().partition()).isEqualTo(REPLY_PARTITION);
        assertThat(published.maxTokens()).isEqualTo(5);
        assertThat(published.stream()).isTrue();
    }

    @Test
    void shouldAnswerAWholeCompletionWithUsage() {
        HttpResponse<String> response = post("/v1/completions",
                "{\"model\":\"%s\",\"prompt\":[\"Say hello\"]}".formatted(MODEL));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = Messages.mapper().readTree(response.body());
        assertThat(body.get("choices").get(0).get("text").asString()).isEqualTo("Hello, 世界 🙂");
        assertThat(body.get("choices").get(0).get("finish_reason").asString()).isEqualTo("length");
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(8);
        assertThat(requestWithId(body.get("id").asString()).sampling().temperature())
                .as("the model's generation_config.json").isEqualTo(0.8);
    }

    @Test
    void shouldAnswerAFailureBeforeAnyOutputWithHttp400EvenWhenStreaming() {
        for (boolean stream : new boolean[]{true, false}) {
            HttpResponse<String> response = post("/v1/completions",
                    "{\"model\":\"%s\",\"prompt\":\"too-long prompt\",\"stream\":%s}".formatted(MODEL, stream));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("content-type")).hasValue(MediaType.APPLICATION_JSON_VALUE);
            JsonNode error = Messages.mapper().readTree(response.body()).get("error");
            assertThat(error.get("message").asString()).isEqualTo(Replies.TOO_LONG_MESSAGE);
            assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void shouldPublishAClientCancelWhenTheClientGoesAway() {
        String firstChunk = WebClient.create("http://localhost:" + port).post().uri("/v1/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"%s\",\"prompt\":\"hang on\",\"stream\":true}".formatted(MODEL))
                .retrieve().bodyToFlux(String.class)
                .take(1)                       // then cancel: the connection closes under the stream
                .blockLast(Duration.ofSeconds(20));
        String id = Messages.mapper().readTree(firstChunk).get("id").asString();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(peer.controls())
                .contains(ControlMessage.Cancel.of(id, ControlMessage.Reason.CLIENT)));
    }

    @Test
    void shouldEndAStreamPastItsDeadlineWithAnErrorEventAndADeadlineCancel() {
        HttpResponse<String> response = post("/v1/completions",
                "{\"model\":\"%s\",\"prompt\":\"hang on\",\"stream\":true}".formatted(MODEL));

        List<String> lines = dataLines(response.body());
        assertThat(lines).hasSize(3);
        String id = payload(lines.get(0)).get("id").asString();
        JsonNode error = payload(lines.get(1)).get("error");
        assertThat(error.get("code").asString()).isEqualTo("timeout");
        assertThat(lines.get(2)).isEqualTo("data: [DONE]");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(peer.controls())
                .contains(ControlMessage.Cancel.of(id, ControlMessage.Reason.DEADLINE)));
    }

    @Test
    void shouldEndAStreamAtTheClientsOwnShorterDeadline() {
        long start = System.nanoTime();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").header("X-Request-Timeout", "1.5")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"%s","messages":[{"role":"user","content":"hang on"}],"stream":true}""".formatted(MODEL)))
                .build());
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).as("the 5 s configured timeout must not be the one that fired").isBetween(1_400L, 4_000L);
        List<String> lines = dataLines(response.body());
        String id = payload(lines.getFirst()).get("id").asString();
        JsonNode error = payload(lines.get(lines.size() - 2)).get("error");
        assertThat(error.get("code").asString()).isEqualTo("timeout");
        assertThat(error.get("message").asString()).contains("1.5 s");
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(peer.controls())
                .contains(ControlMessage.Cancel.of(id, ControlMessage.Reason.DEADLINE)));
    }

    @Test
    void shouldMergeTheRepliesOfEveryChoiceAndCancelThemAllWhenTheClientGoesAway() {
        String body = "{\"model\":\"%s\",\"prompt\":\"%s\",\"n\":2,\"stream\":true}";
        List<String> lines = dataLines(post("/v1/completions", body.formatted(MODEL, "Say hello")).body());
        assertThat(lines.subList(0, lines.size() - 1).stream().map(l -> payload(l).get("choices").get(0).get("index").asInt()))
                .containsOnly(0, 1).contains(0, 1);

        List<String> firstChunks = WebClient.create("http://localhost:" + port).post().uri("/v1/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body.formatted(MODEL, "hang on"))
                .retrieve().bodyToFlux(String.class)
                .take(2)
                .collectList().block(Duration.ofSeconds(20));
        String id = Messages.mapper().readTree(firstChunks.getFirst()).get("id").asString();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(peer.controls()).contains(
                ControlMessage.Cancel.of(id + "-0", ControlMessage.Reason.CLIENT),
                ControlMessage.Cancel.of(id + "-1", ControlMessage.Reason.CLIENT)));
    }

    @Test
    void shouldTokenizeAndDetokenizeThroughTheTokenizerTopic() {
        HttpResponse<String> tokenized = post("/v1/tokenize", "{\"model\":\"%s\",\"prompt\":\"世界\"}".formatted(MODEL));

        assertThat(tokenized.statusCode()).as(tokenized.body()).isEqualTo(200);
        JsonNode body = Messages.mapper().readTree(tokenized.body());
        assertThat(body.get("token_strs").valueStream().map(JsonNode::asString)).containsExactly("世", "界");
        HttpResponse<String> text = post("/v1/detokenize", "{\"model\":\"%s\",\"tokens\":%s}".formatted(MODEL, body.get("tokens")));
        assertThat(Messages.mapper().readTree(text.body()).get("prompt").asString()).isEqualTo("世界");
        assertThat(peer.tokenizerRequests()).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(r -> assertThat(r.replyTo().partition()).isEqualTo(REPLY_PARTITION));
    }

    @Test
    void shouldSkipAnUnreadableReplyAndKeepServing() {
        peer.sendRaw(Topics.GENERATION_EVENTS.name(), REPLY_PARTITION, "cmpl-poison", "{not json");

        HttpResponse<String> response = post("/v1/completions",
                "{\"model\":\"%s\",\"prompt\":\"Say hello\"}".formatted(MODEL));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void shouldFailTheRequestAnUnreadableReplyNamesAtOnceAndDeadLetterTheReply() throws Exception {
        String prompt = "hang on " + UUID.randomUUID();
        var response = http.sendAsync(HttpRequest.newBuilder(uri("/v1/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"%s\",\"prompt\":\"%s\"}".formatted(MODEL, prompt)))
                .build(), HttpResponse.BodyHandlers.ofString());
        String id = await().atMost(Duration.ofSeconds(15)).until(() -> peer.requests().stream()
                .filter(r -> prompt.equals(r.prompt())).map(GenerationRequest::requestId).findFirst(), Optional::isPresent).orElseThrow();

        peer.sendRaw(Topics.GENERATION_EVENTS.name(), REPLY_PARTITION, id, "{not json");

        HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);   // long before the request's deadline
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(502);
        assertThat(Messages.mapper().readTree(answer.body()).at("/error/message").asString()).contains("cannot read");
        try (KafkaConsumer<String, String> deadLetters = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            deadLetters.assign(List.of(new TopicPartition(Topics.GENERATION_EVENTS.deadLetter(), 0)));
            await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters.poll(Duration.ofMillis(200)).records(
                    new TopicPartition(Topics.GENERATION_EVENTS.deadLetter(), 0)).stream().anyMatch(r -> id.equals(r.key())));
        }
    }

    private GenerationRequest requestWithId(String id) {
        return peer.requests().stream().filter(r -> r.requestId().equals(id)).findFirst().orElseThrow();
    }

    private static List<String> dataLines(String body) {
        return Arrays.stream(body.split("\n")).filter(line -> !line.isEmpty()).toList();
    }

    private static JsonNode payload(String line) {
        return Messages.mapper().readTree(line.substring("data: ".length()));
    }
}
