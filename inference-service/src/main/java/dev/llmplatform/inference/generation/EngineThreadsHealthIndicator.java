package dev.llmplatform.inference.generation;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Liveness: DOWN when an engine thread has died while its engine was not closed, the one failure here
 * that only a restart fixes (a stall or a failed load is readiness: {@link GenerationHealthIndicator}).
 */
@Component("engineThreads")
public class EngineThreadsHealthIndicator implements HealthIndicator {

    private final ModelEngines engines;

    public EngineThreadsHealthIndicator(ModelEngines engines) {
        this.engines = engines;
    }

    @Override
    public Health health() {
        List<String> dead = engines.health().entrySet().stream()
                .filter(e -> e.getValue().threadDied()).map(java.util.Map.Entry::getKey).toList();
        return dead.isEmpty()
                ? Health.up().withDetail("engines", engines.health().size()).build()
                : Health.down().withDetail("deadEngineThreads", dead).build();
    }
}
