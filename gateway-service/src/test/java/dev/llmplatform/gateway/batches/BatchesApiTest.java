package dev.llmplatform.gateway.batches;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.gateway.limits.GenerationAdmission;
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

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** {@code /v1/batches} over the scripted back end: lines run through the real endpoints' services. */
@WebFluxTest(controllers = BatchesController.class,
        properties = {"spring.config.name=gateway", "llm.gateway.batches.concurrency=2"})
@Import({SliceTestBackend.class, BatchesService.class})
class BatchesApiTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @Autowired
    JsonMapper json;

    @Autowired
    GenerationAdmission admission;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
        // Generous: the machine is shared, and a slow answer is not what these tests check.
        http = http.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void shouldRunEveryLineAndAnswerEachInInputOrderWithItsOwnOutcome() {
        String upload = String.join("\n",
                line("ok-1", "/v1/completions", "{\"model\":\"%s\",\"prompt\":\"Say hello\",\"max_tokens\":5}"),
                line("chat-1", "/v1/chat/completions", "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                line("bad-temperature", "/v1/completions", "{\"model\":\"%s\",\"prompt\":\"x\",\"temperature\":5}"),
                line("unknown-model", "/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}"),
                line("too-long", "/v1/completions", "{\"model\":\"%s\",\"prompt\":\"too-long prompt\"}"),
                line("streamed", "/v1/completions", "{\"model\":\"%s\",\"prompt\":\"x\",\"stream\":true}"),
                "{\"custom_id\":\"embeddings\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}",
                "{not json", "") + "\n";

        JsonNode created = upload(upload, BatchesController.JSONL).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(created.get("id").asString()).startsWith("batch_");
        assertThat(created.get("object").asString()).isEqualTo("batch");
        assertThat(created.get("request_counts").get("total").asInt()).isEqualTo(8);

        JsonNode done = awaitStatus(created.get("id").asString(), "completed");
        assertThat(done.get("request_counts").get("completed").asInt()).isEqualTo(2);
        assertThat(done.get("request_counts").get("failed").asInt()).isEqualTo(6);
        assertThat(done.get("completed_at").asLong()).isGreaterThanOrEqualTo(done.get("created_at").asLong());

        List<JsonNode> out = output(created.get("id").asString());
        assertThat(out).extracting(l -> l.get("custom_id").isNull() ? null : l.get("custom_id").asString()).containsExactly("ok-1", "chat-1",
                "bad-temperature", "unknown-model", "too-long", "streamed", "embeddings", null);
        assertThat(out).extracting(l -> l.at("/response/status_code").asInt())
                .containsExactly(200, 200, 400, 404, 400, 400, 400, 400);
        assertThat(out).allSatisfy(l -> {
            assertThat(l.get("id").asString()).startsWith("batch_req_");
            assertThat(l.get("error").isNull()).isTrue();
        });
        assertThat(out.get(0).at("/response/body/choices/0/text").asString()).isEqualTo("Hello, 世界 🙂");
        assertThat(out.get(0).at("/response/body/object").asString()).isEqualTo("text_completion");
        assertThat(out.get(1).at("/response/body/choices/0/message/content").asString()).isEqualTo("Hello, 世界 🙂");
        assertThat(out.get(2).at("/response/body/error/param").asString()).isEqualTo("temperature");
        assertThat(out.get(3).at("/response/body/error/code").asString()).isEqualTo("model_not_found");
        assertThat(out.get(5).at("/response/body/error/param").asString()).isEqualTo("body.stream");
        assertThat(out.get(6).at("/response/body/error/param").asString()).isEqualTo("url");
        // Only lines that passed their endpoint's validation were published.
        assertThat(backend.requests()).hasSize(3);
    }

    @Test
    void shouldRunLinesAtTheBatchPriorityUnlessALineNamesOne() {
        String upload = String.join("\n",
                line("default", "/v1/completions", "{\"model\":\"%s\",\"prompt\":\"Say hello\",\"max_tokens\":5}"),
                line("named", "/v1/chat/completions",
                        "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"priority\":3}")) + "\n";

        JsonNode created = upload(upload, BatchesController.JSONL).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        awaitStatus(created.get("id").asString(), "completed");

        assertThat(backend.requests()).extracting(r -> r.messages() == null ? "default" : "named", GenerationRequest::priority)
                .containsExactlyInAnyOrder(tuple("default", 10), tuple("named", 3));
    }

    @Test
    void shouldTakeInlineJsonWithItsMetadataAndNdjsonUploads() {
        String body = """
                {"input":[%s],"completion_window":"24h","metadata":{"job":"nightly"}}"""
                .formatted(line("a", "/v1/completions", "{\"model\":\"%s\",\"prompt\":\"Say hello\"}"));
        JsonNode created = http.post().uri("/v1/batches").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(created.get("metadata").get("job").asString()).isEqualTo("nightly");
        assertThat(awaitStatus(created.get("id").asString(), "completed").get("endpoint").asString())
                .isEqualTo("/v1/completions");

        JsonNode ndjson = upload(line("b", "/v1/completions", "{\"model\":\"%s\",\"prompt\":\"Say hello\"}"),
                BatchesController.NDJSON).expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        awaitStatus(ndjson.get("id").asString(), "completed");
    }

    @Test
    void shouldCancelStoppingRunningLinesAndStartingNoMore() {
        String upload = IntStream.range(0, 10).mapToObj(i -> line("hang-" + i, "/v1/completions",
                "{\"model\":\"%s\",\"prompt\":\"hang forever\"}")).collect(Collectors.joining("\n"));
        String id = upload(upload, BatchesController.JSONL).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> backend.requests().size() == 2);   // the concurrency
        assertThat(awaitStatus(id, "in_progress").get("request_counts").get("completed").asInt()).isZero();
        http.get().uri("/v1/batches/{id}/output", id).exchange().expectStatus().isEqualTo(409);
        assertThat(admission.inFlight()).isEqualTo(2);

        JsonNode cancelled = http.post().uri("/v1/batches/{id}/cancel", id).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");
        assertThat(cancelled.get("cancelled_at").isNumber()).isTrue();
        assertThat(cancelled.get("request_counts").get("failed").asInt()).isEqualTo(10);
        List<JsonNode> out = output(id);
        assertThat(out).hasSize(10).allSatisfy(l -> {
            assertThat(l.get("response").isNull()).isTrue();
            assertThat(l.at("/error/code").asString()).isEqualTo("batch_cancelled");
        });
        assertThat(out.get(9).get("custom_id").asString()).isEqualTo("hang-9");
        // The running lines were stopped (their slots freed), and no other line started.
        await().atMost(Duration.ofSeconds(5)).until(() -> admission.inFlight() == 0);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> backend.requests().size() == 2);
    }

    @Test
    void shouldRefuseAnEmptyBatchAndAnswerUnknownIdsWith404() {
        upload("\n\n", BatchesController.JSONL).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("input");
        http.post().uri("/v1/batches").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\":[],\"completion_window\":\"1h\"}").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("completion_window");
        http.get().uri("/v1/batches/batch_nope").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("batch_not_found");
        http.post().uri("/v1/batches/batch_nope/cancel").exchange().expectStatus().isNotFound();
    }

    private static String line(String customId, String url, String body) {
        return "{\"custom_id\":\"%s\",\"method\":\"POST\",\"url\":\"%s\",\"body\":%s}"
                .formatted(customId, url, body.formatted(MODEL));
    }

    private WebTestClient.ResponseSpec upload(String jsonl, String contentType) {
        return http.post().uri("/v1/batches").contentType(MediaType.parseMediaType(contentType)).bodyValue(jsonl).exchange();
    }

    private JsonNode awaitStatus(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            last[0] = http.get().uri("/v1/batches/{id}", id).exchange().expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            return status.equals(last[0].get("status").asString());
        });
        return last[0];
    }

    private List<JsonNode> output(String id) {
        String body = http.get().uri("/v1/batches/{id}/output", id).exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(BatchesController.JSONL)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).endsWith("\n");
        return Arrays.stream(body.split("\n")).map(json::readTree).toList();
    }
}
