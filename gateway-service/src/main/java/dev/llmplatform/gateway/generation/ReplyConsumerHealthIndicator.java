package dev.llmplatform.gateway.generation;

import dev.llmplatform.gateway.GatewayProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness of the reply path: DOWN while the hand-assigned consumer of this gateway's partition of
 * {@code llm.generation.events} is not polling (not started yet, stopped, or its thread ended): a
 * request sent now would never hear back.
 */
@Component("replyConsumer")
class ReplyConsumerHealthIndicator implements HealthIndicator {

    private final ReplyListener listener;
    private final int partition;

    ReplyConsumerHealthIndicator(ReplyListener listener, GatewayProperties gateway) {
        this.listener = listener;
        this.partition = gateway.replyPartition();
    }

    @Override
    public Health health() {
        return (listener.isConsuming() ? Health.up() : Health.down()).withDetail("partition", partition).build();
    }
}
