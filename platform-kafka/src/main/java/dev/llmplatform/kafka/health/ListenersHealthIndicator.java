package dev.llmplatform.kafka.health;

import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * DOWN while a Kafka listener container that should run (auto-started) is not running: its service
 * takes no more records from that topic. Each container's state and assigned partitions as details.
 * A running container with no partitions stays UP: with more replicas than partitions one is
 * legitimately idle, and a rebalance would otherwise flap readiness.
 */
public final class ListenersHealthIndicator implements HealthIndicator {

    private final KafkaListenerEndpointRegistry registry;

    public ListenersHealthIndicator(KafkaListenerEndpointRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        Map<String, String> states = new TreeMap<>();
        boolean down = false;
        for (MessageListenerContainer container : registry.getListenerContainers()) {
            boolean running = container.isRunning();
            down |= !running && container.isAutoStartup();
            Collection<TopicPartition> assigned = container.getAssignedPartitions();
            states.put(container.getListenerId(), (running ? "running" : "stopped")
                    + (container.isContainerPaused() ? ", paused" : "")
                    + ", assigned " + (assigned == null ? "[]" : assigned.toString()));
        }
        return (down ? Health.down() : Health.up()).withDetail("listeners", states).build();
    }
}
