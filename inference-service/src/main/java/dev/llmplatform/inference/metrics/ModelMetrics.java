package dev.llmplatform.inference.metrics;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.inference.engine.EngineMetrics;
import dev.llmplatform.inference.engine.EngineStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One model version's engine figures in Micrometer, tagged {@code model} and {@code version}. On
 * {@code /actuator/prometheus} they read {@code llm_time_to_first_token_seconds}, {@code llm_requests_total}
 * and so on. Latencies are histograms with fixed buckets (so replicas aggregate with
 * {@code histogram_quantile}); every meter exists from load on, at zero, so dashboards see no gaps.
 * Queue time and preemptions are also tagged {@code priority} (the request's value; priority 0's meters
 * exist from load on). As clients choose the value, at most {@value #MAX_PRIORITY_TAGS} distinct values
 * get their own series, and later ones share {@code priority="other"}.
 */
public final class ModelMetrics implements EngineMetrics {

    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    static final int MAX_PRIORITY_TAGS = 16;
    private static final Duration[] QUEUE_BUCKETS = millis(1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 30_000, 60_000, 120_000);

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer timeToFirstToken;
    private final Timer interTokenLatency;
    private final Map<String, Timer> queueTime = new ConcurrentHashMap<>();
    private final Map<String, Counter> preemptions = new ConcurrentHashMap<>();
    private final Counter promptTokens;
    private final Counter generationTokens;
    private final Map<FinishReason, Counter> requests = new EnumMap<>(FinishReason.class);
    private final DistributionSummary batchSize;
    private final Counter prefixHits;
    private final Counter prefixMisses;
    private final Counter prefixHitTokens;

    public ModelMetrics(MeterRegistry registry, String model, String version) {
        this.registry = registry;
        this.tags = Tags.of("model", model, "version", version);
        timeToFirstToken = timer("llm.time.to.first.token", "Submission to first generated token",
                millis(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000));
        interTokenLatency = timer("llm.inter.token.latency", "Between consecutive tokens of one request",
                millis(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2500));
        queueTimer("0");
        preemptionCounter("0");
        promptTokens = counter("llm.prompt.tokens", "Prompt tokens prefilled or taken from the prefix cache");
        generationTokens = counter("llm.generation.tokens", "Tokens generated");
        for (FinishReason reason : FinishReason.values()) {
            requests.put(reason, Counter.builder("llm.requests").description("Requests ended, by finish reason")
                    .tags(tags).tag("finish_reason", reason.wireName()).register(registry));
        }
        batchSize = DistributionSummary.builder("llm.batch.size").description("Sequences per decode step")
                .serviceLevelObjectives(BATCH_BUCKETS).tags(tags).register(registry);
        prefixHits = counter("llm.prefix.cache.hits", "Admitted requests that reused a cached prompt prefix");
        prefixMisses = counter("llm.prefix.cache.misses", "Admitted requests that found no cached prompt prefix");
        prefixHitTokens = counter("llm.prefix.cache.hit.tokens", "Prompt tokens taken from the prefix cache");
    }

    /** Registers the load gauges, read from the engine's stats whenever they are scraped. */
    public void watch(Supplier<EngineStats> stats) {
        Gauge.builder("llm.active.sequences", () -> stats.get().running())
                .description("Sequences in the running batch").tags(tags).register(registry);
        Gauge.builder("llm.waiting.requests", () -> stats.get().waiting())
                .description("Requests queued for admission").tags(tags).register(registry);
        Gauge.builder("llm.kv.cache.usage.ratio", () -> stats.get().kvUsageRatio())
                .description("Share of the KV cache budget reserved by running sequences").tags(tags).register(registry);
        Gauge.builder("llm.prefix.cache.size", () -> stats.get().prefixCacheBytes()).baseUnit("bytes")
                .description("KV cache budget held by the prefix cache").tags(tags).register(registry);
    }

    @Override
    public void admitted(int priority, long queueNanos) {
        queueTimer(priorityTag(priority)).record(queueNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void preempted(int priority) {
        preemptionCounter(priorityTag(priority)).increment();
    }

    private Timer queueTimer(String priority) {
        return queueTime.computeIfAbsent(priority, p -> Timer.builder("llm.queue.time")
                .description("Submission to first admission into the running batch, by request priority")
                .serviceLevelObjectives(QUEUE_BUCKETS).tags(tags).tag("priority", p).register(registry));
    }

    private Counter preemptionCounter(String priority) {
        return preemptions.computeIfAbsent(priority, p -> Counter.builder("llm.preemptions")
                .description("Running sequences preempted for a more urgent request (their cache is recomputed)")
                .tags(tags).tag("priority", p).register(registry));
    }

    /** The value itself while few are in use; "other" once {@value #MAX_PRIORITY_TAGS} have series. */
    private String priorityTag(int priority) {
        String tag = Integer.toString(priority);
        return queueTime.containsKey(tag) || queueTime.size() < MAX_PRIORITY_TAGS ? tag : "other";
    }

    @Override
    public void prefixLookup(int promptTokens, int cachedTokens) {
        (cachedTokens > 0 ? prefixHits : prefixMisses).increment();
        prefixHitTokens.increment(cachedTokens);
    }

    @Override
    public void promptProcessed(int tokens) {
        promptTokens.increment(tokens);
    }

    @Override
    public void firstToken(long sinceSubmitNanos) {
        timeToFirstToken.record(sinceSubmitNanos, TimeUnit.NANOSECONDS);
        generationTokens.increment();
    }

    @Override
    public void nextToken(long sincePreviousNanos) {
        interTokenLatency.record(sincePreviousNanos, TimeUnit.NANOSECONDS);
        generationTokens.increment();
    }

    @Override
    public void decodeStep(int size) {
        batchSize.record(size);
    }

    @Override
    public void finished(FinishReason reason) {
        requests.get(reason).increment();
    }

    private Timer timer(String name, String description, Duration[] buckets) {
        return Timer.builder(name).description(description).serviceLevelObjectives(buckets).tags(tags).register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private static Duration[] millis(long... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(values[i]);
        }
        return out;
    }
}
