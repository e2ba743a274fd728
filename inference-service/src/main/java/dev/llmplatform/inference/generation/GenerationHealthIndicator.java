package dev.llmplatform.inference.generation;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Up, with each loaded model's queue, batch and KV-cache use as details. */
@Component("generation")
public class GenerationHealthIndicator implements HealthIndicator {

    private final ModelEngines engines;
    private final RequestBackpressure backpressure;

    public GenerationHealthIndicator(ModelEngines engines, RequestBackpressure backpressure) {
        this.engines = engines;
        this.backpressure = backpressure;
    }

    @Override
    public Health health() {
        return Health.up()
                .withDetail("models", engines.stats())
                .withDetail("requestConsumerPaused", backpressure.isPaused())
                .build();
    }
}
