package dev.llmplatform.inference.generation;

import dev.llmplatform.inference.InferenceProperties;
import dev.llmplatform.inference.engine.EngineHealth;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.TreeMap;

/**
 * Readiness of generation: DOWN while an engine has work and no completed step for longer than
 * {@code llm.inference.health.stall-timeout}, or while the most recent load of a model failed; each
 * loaded model's queue, batch and KV-cache use as details either way.
 */
@Component("generation")
public class GenerationHealthIndicator implements HealthIndicator {

    private final ModelEngines engines;
    private final RequestBackpressure backpressure;
    private final Duration stallTimeout;
    private final InstantSource clock;

    @Autowired
    public GenerationHealthIndicator(ModelEngines engines, RequestBackpressure backpressure,
                                     InferenceProperties properties) {
        this(engines, backpressure, properties.health().stallTimeout(), InstantSource.system());
    }

    GenerationHealthIndicator(ModelEngines engines, RequestBackpressure backpressure, Duration stallTimeout,
                              InstantSource clock) {
        this.engines = engines;
        this.backpressure = backpressure;
        this.stallTimeout = stallTimeout;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        Map<String, String> stalled = new TreeMap<>();
        engines.health().forEach((model, h) -> {
            if (h.stalled(now, stallTimeout)) {
                stalled.put(model, stallReason(h, now));
            }
        });
        Map<String, String> failed = engines.loadFailures();
        Health.Builder health = stalled.isEmpty() && failed.isEmpty() ? Health.up() : Health.down();
        if (!stalled.isEmpty()) {
            health.withDetail("stalled", stalled);
        }
        if (!failed.isEmpty()) {
            health.withDetail("failedToLoad", failed);
        }
        return health.withDetail("models", engines.stats())
                .withDetail("requestConsumerPaused", backpressure.isPaused())
                .build();
    }

    private String stallReason(EngineHealth h, Instant now) {
        return "no step completed for " + Duration.between(h.lastProgress(), now).toSeconds() + " s (bound "
                + stallTimeout.toSeconds() + " s) with " + h.waiting() + " waiting and " + h.running() + " running";
    }
}
