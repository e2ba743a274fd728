package dev.llmplatform.launcher.batch;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /v1/batches} through the whole platform: gateway → Kafka → tokenizer → inference and back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpBatchesEndToEndTest {

    private static final int CONCURRENCY = 4;
    private static final String JSONL = "application/jsonl";

    private BatchPlatform platform;

    @BeforeAll
    void startPlatform() {
        platform = BatchPlatform.start(Map.of("llm.gateway.batches.concurrency", String.valueOf(CONCURRENCY)));
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldRunABatchAnsweringEachLineInOrderAsItsEndpointWould() {
        String completion = "{\"model\":\"%s\",\"prompt\":\"Once upon a time %d\",\"max_tokens\":4,\"temperature\":0}";
        String chat = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi %d\"}],\"max_tokens\":4}";
        String upload = IntStream.range(0, 50).mapToObj(i -> switch (i) {
            case 17 -> line("line-17", "/v1/completions", "{\"model\":\"%s\",\"prompt\":\"x\",\"top_p\":7}".formatted(model()));
            default -> i % 5 == 0
                    ? line("line-" + i, "/v1/chat/completions", chat.formatted(model(), i))
                    : line("line-" + i, "/v1/completions", completion.formatted(model(), i));
        }).collect(Collectors.joining("\n"));

        JsonNode created = platform.json(platform.post("/v1/batches", JSONL, upload));
        JsonNode done = awaitStatus(created.get("id").asString(), "completed", Duration.ofSeconds(60));

        assertThat(done.get("request_counts").get("total").asInt()).isEqualTo(50);
        assertThat(done.get("request_counts").get("completed").asInt()).isEqualTo(49);
        assertThat(done.get("request_counts").get("failed").asInt()).isEqualTo(1);
        List<JsonNode> out = output(created.get("id").asString());
        assertThat(out).extracting(l -> l.get("custom_id").asString())
                .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "line-" + i).toList());
        JsonNode bad = out.get(17).get("response");
        assertThat(bad.get("status_code").asInt()).isEqualTo(400);
        assertThat(bad.at("/body/error/param").asString()).isEqualTo("top_p");
        for (int i = 0; i < 50; i++) {
            if (i == 17) {
                continue;
            }
            JsonNode response = out.get(i).get("response");
            assertThat(response.get("status_code").asInt()).as("line %d", i).isEqualTo(200);
            assertThat(response.at("/body/object").asString()).isEqualTo(i % 5 == 0 ? "chat.completion" : "text_completion");
            assertThat(response.at("/body/usage/completion_tokens").asInt()).isBetween(1, 4);
        }
        // Greedy: the line's answer is the one the endpoint itself gives for the same body.
        JsonNode direct = platform.json(platform.post("/v1/completions", "application/json", completion.formatted(model(), 1)));
        assertThat(out.get(1).at("/response/body/choices/0/text").asString())
                .isEqualTo(direct.at("/choices/0/text").asString());
    }

    @Test
    void shouldCancelALargeBatchMidwayPublishingNothingMore() {
        int total = 400;
        String upload = IntStream.range(0, total).mapToObj(i -> line("long-" + i, "/v1/completions",
                        "{\"model\":\"%s\",\"prompt\":\"The %d\",\"max_tokens\":100}".formatted(model(), i)))
                .collect(Collectors.joining("\n"));
        long publishedBefore = platform.recordsIn(Topics.GENERATION_REQUESTS.name());
        String id = platform.json(platform.post("/v1/batches", JSONL, upload)).get("id").asString();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                platform.json(platform.get("/v1/batches/" + id)).get("request_counts").get("completed").asInt() >= 2);

        JsonNode cancelled = platform.json(platform.post("/v1/batches/" + id + "/cancel", JSONL, ""));

        assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");
        int completed = cancelled.get("request_counts").get("completed").asInt();
        assertThat(completed).isLessThan(total);
        assertThat(completed + cancelled.get("request_counts").get("failed").asInt()).isEqualTo(total);
        List<JsonNode> out = output(id);
        assertThat(out).hasSize(total);
        assertThat(out).filteredOn(l -> l.get("response").isNull())
                .hasSize(total - completed)
                .allSatisfy(l -> assertThat(l.at("/error/code").asString()).isEqualTo("batch_cancelled"));
        // Only the lines that finished and the few running at the cancel were ever published, and no more follow.
        long[] published = {-1};
        await().pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> {
            long now = platform.recordsIn(Topics.GENERATION_REQUESTS.name()) - publishedBefore;
            boolean settled = now == published[0];
            published[0] = now;
            return settled;
        });
        assertThat(published[0]).isBetween((long) completed, (long) completed + CONCURRENCY);
        // Each check opens an admin client: leave a loaded machine time for a few slow ones after the 2 s.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                platform.recordsIn(Topics.GENERATION_REQUESTS.name()) - publishedBefore == published[0]);
    }

    private static String model() {
        return DefaultModels.DEFAULT_MODEL;
    }

    private static String line(String customId, String url, String body) {
        return "{\"custom_id\":\"%s\",\"method\":\"POST\",\"url\":\"%s\",\"body\":%s}".formatted(customId, url, body);
    }

    private JsonNode awaitStatus(String id, String status, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = platform.json(platform.get("/v1/batches/" + id));
            return status.equals(last[0].get("status").asString());
        });
        return last[0];
    }

    private List<JsonNode> output(String id) {
        var response = platform.get("/v1/batches/" + id + "/output");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Arrays.stream(response.body().split("\n")).map(l -> Messages.mapper().readTree(l)).toList();
    }
}
