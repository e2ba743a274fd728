package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * More requests than the KV budget and the waiting limit hold, all at once: the request consumer
 * pauses instead of the engine refusing any, every request finishes, and {@code /actuator/prometheus}
 * shows the load while it runs and the counts and latency histograms after.
 */
class LoadAndMetricsKafkaServiceTest extends InferenceServiceTestBase {

    private static final String MODEL = "model=\"tiny-long\"";
    private static final int REQUESTS = 24;
    private static final int MAX_TOKENS = 500;
    private static final List<String> GAUGES = List.of("llm_active_sequences", "llm_waiting_requests", "llm_kv_cache_usage_ratio");

    /** 22 tokens: one 16-token block shared by every request (a prefix-cache hit after the first), then its own. */
    private static int[] prompt(int i) {
        int[] prompt = new int[22];
        for (int p = 0; p < 22; p++) {
            prompt[p] = p < 20 ? (p * 7 + 3) % 64 : (i * 5 + p) % 64;
        }
        return prompt;
    }

    @Test
    void shouldFinishEveryRequestBeyondTheBudgetAndExposeTheEngineMetrics() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            // Scraped all along (the endpoint warmed up first): each load gauge must show the load at some point.
            get("/actuator/prometheus");
            Map<String, Double> peaks = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread scraper = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    String metrics = get("/actuator/prometheus");
                    for (String gauge : GAUGES) {
                        peaks.merge(gauge, value(metrics, gauge, ""), Math::max);
                    }
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                }
            });
            for (int i = 0; i < REQUESTS; i++) {
                String id = "flood-" + i;
                ids.add(id);
                kafka.send(Topics.INFERENCE_REQUESTS.name(), id, Messages.toJson(request(id, "tiny-long", prompt(i), MAX_TOKENS)));
            }
            Map<String, List<TokenEvent>> events = eventsOf(tokens, ids, Duration.ofSeconds(120));
            for (String id : ids) {
                TokenEvent last = events.get(id).getLast();
                assertThat(last.error()).as(id).isNull();
                assertThat(last.finishReason()).as(id).isEqualTo(FinishReason.LENGTH);
                assertThat(last.usage()).as(id).isEqualTo(new Usage(22, MAX_TOKENS));
            }
            running.set(false);
            scraper.join();
            for (String gauge : GAUGES) {
                assertThat(peaks.get(gauge)).as("peak of " + gauge).isPositive();
            }
        }
        String metrics = get("/actuator/prometheus");
        for (String histogram : List.of("llm_time_to_first_token_seconds", "llm_inter_token_latency_seconds",
                "llm_queue_time_seconds", "llm_batch_size")) {
            assertThat(value(metrics, histogram + "_count", "")).as(histogram).isPositive();
            assertThat(metrics.lines().filter(line -> line.startsWith(histogram + "_bucket{") && line.contains(MODEL)
                    && line.matches(".*le=\"[0-9.]+\".*"))).as(histogram + " buckets").hasSizeGreaterThan(3);
        }
        assertThat(value(metrics, "llm_prompt_tokens_total", "")).isGreaterThanOrEqualTo(REQUESTS * 22);
        assertThat(value(metrics, "llm_generation_tokens_total", "")).isGreaterThanOrEqualTo(REQUESTS * MAX_TOKENS);
        assertThat(value(metrics, "llm_requests_total", "finish_reason=\"length\"")).isGreaterThanOrEqualTo(REQUESTS);
        assertThat(value(metrics, "llm_prefix_cache_hits_total", "")).isPositive();
        assertThat(value(metrics, "llm_prefix_cache_misses_total", "")).isPositive();
        assertThat(value(metrics, "llm_batch_size_sum", "") / value(metrics, "llm_batch_size_count", ""))
                .as("mean batch size").isGreaterThan(1);
    }

    /** The sum of the samples of one metric of the tiny-long model whose labels contain {@code label}. */
    private static double value(String metrics, String name, String label) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(MODEL) && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
