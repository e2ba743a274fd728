package dev.llmplatform.launcher;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.inference.generation.ModelEngines;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.model.ModelStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Request priority through the whole platform: an engine that runs one sequence at a time holds a queue
 * of long low-priority HTTP completions, and an interactive one sent after them (no {@code priority}: the
 * HTTP default, 0) finishes before those still queued, preempting the one running if it is still running.
 * The engine is observed (through its stats) holding all the low ones before the urgent one is sent, so
 * the order does not depend on timing. The model is loaded by a first request, so that the low ones reach
 * the engine together, and they are long (seconds each on CI's two cores), so that all of them are there
 * before the first ends: with 600 tokens a CI run once saw the first finish before the last arrived.
 */
class PriorityEndToEndTest {

    private static final String MODEL = "priority-random";
    private static final int LOW_TOKENS = 2_000;
    private static final int LOW = 3;

    @Test
    void shouldServeAnInteractiveRequestBeforeLowPriorityOnesQueuedEarlier() throws Exception {
        Path dataDir = Files.createTempDirectory("llm-platform-priority-");
        DefaultModels.writeRandomDecoder(new ModelStore(dataDir.resolve("models")), MODEL, LOW_TOKENS + 64);
        try (PlatformUnderTest platform = PlatformUnderTest.start(dataDir, null,
                Map.of("llm.inference.max-batch-size", "1"))) {
            HttpClient http = HttpClient.newHttpClient();
            ModelEngines engines = platform.platform.context("inference").getBean(ModelEngines.class);
            List<String> finished = new CopyOnWriteArrayList<>();
            HttpResponse<String> warmUp = http.send(post(platform, body("Load the model", 1, 7)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(warmUp.statusCode()).as(warmUp.body()).isEqualTo(200);
            List<CompletableFuture<HttpResponse<String>>> low = new ArrayList<>();
            for (int i = 0; i < LOW; i++) {
                String id = "low-" + i;
                low.add(http.sendAsync(post(platform, body("Once upon a time " + i, LOW_TOKENS, 5)),
                                HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, error) -> finished.add(id)));
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> engines.stats().values()
                    .stream().anyMatch(s -> s.running() == 1 && s.waiting() == LOW - 1));

            List<String> finishedWhenSent = List.copyOf(finished);
            HttpResponse<String> urgent = http.send(post(platform, body("The animal", 8, null)),
                    HttpResponse.BodyHandlers.ofString());
            List<String> finishedBeforeUrgent = List.copyOf(finished);

            assertThat(urgent.statusCode()).as(urgent.body()).isEqualTo(200);
            assertThat(usage(urgent.body())).isEqualTo(8);
            // Which low request runs first is Kafka's and the tokenizer's order; at most that one may end first.
            assertThat(finishedBeforeUrgent).as("low requests that ended before it (%s when it was sent)", finishedWhenSent)
                    .hasSizeLessThanOrEqualTo(finishedWhenSent.size() + 1);
            List<String> lowTexts = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> future : low) {
                HttpResponse<String> response = future.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(usage(response.body())).isEqualTo(LOW_TOKENS);
                lowTexts.add(text(response.body()));
            }
            MeterRegistry meters = platform.platform.context("inference").getBean(MeterRegistry.class);
            assertThat(meters.get("llm.queue.time").tag("model", MODEL).tag("priority", "5").timer().count()).isEqualTo(LOW);
            assertThat(meters.get("llm.queue.time").tag("model", MODEL).tag("priority", "0").timer().count()).isEqualTo(1);
            double preemptions = meters.get("llm.preemptions").tag("model", MODEL).tag("priority", "5").counter().count();
            if (finishedBeforeUrgent.size() == finishedWhenSent.size()) {
                // The low request running when the urgent one came was still running when it ended, and the engine
                // runs one sequence at a time: the urgent one can only have finished first by preempting it.
                assertThat(preemptions).isEqualTo(1);
            }
            // Preempted or not, each low request writes what it writes alone (greedy): recomputation changed nothing.
            HttpResponse<String> alone = http.send(post(platform, body("Once upon a time 0", LOW_TOKENS, 5)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(text(alone.body())).isEqualTo(lowTexts.getFirst());
        }
    }

    private static HttpRequest post(PlatformUnderTest platform, String json) {
        return HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/v1/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** Greedy, through end-of-sequence tokens to {@code max_tokens}; {@code priority} left out when null. */
    private static String body(String prompt, int maxTokens, Integer priority) {
        return """
                {"model":"%s","prompt":"%s","max_tokens":%d,"temperature":0,"ignore_eos":true%s}"""
                .formatted(MODEL, prompt, maxTokens, priority == null ? "" : ",\"priority\":" + priority);
    }

    private static int usage(String body) {
        return Messages.mapper().readTree(body).at("/usage/completion_tokens").asInt();
    }

    private static String text(String body) {
        JsonNode json = Messages.mapper().readTree(body);
        return json.at("/choices/0/text").asString();
    }
}
