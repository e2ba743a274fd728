package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.model.GenerationDefaults;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.topics.Topics;
import jakarta.annotation.PostConstruct;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Keeps the registry fresh from the compacted registry topic. Before the gateway serves, it reads
 * the topic to its end (so {@code /v1/models} is complete from the first request); then each gateway
 * instance follows it in a group of its own, from the earliest record, so every instance sees every
 * announcement. Poison records go to the topic's dead-letter topic through the platform's error handler.
 */
@Component
public class ModelRegistryListener {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistryListener.class);
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(15);

    private final ModelRegistry registry;
    private final ModelStore store;
    private final ConsumerFactory<String, String> consumers;

    public ModelRegistryListener(ModelRegistry registry, ModelStore store, ConsumerFactory<String, String> consumers) {
        this.registry = registry;
        this.store = store;
        this.consumers = consumers;
    }

    @KafkaListener(
            groupId = "gateway-models-${random.uuid}",
            topics = "#{T(dev.llmplatform.topics.Topics).MODELS.name()}",
            properties = "auto.offset.reset=earliest")
    public void onRecord(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            // A tombstone on the compacted topic withdraws the model.
            if (registry.find(record.key()).isPresent()) {
                log.info("model {} withdrawn", record.key());
            }
            registry.remove(record.key());
            return;
        }
        ModelEvent event = Messages.fromJson(record.value(), ModelEvent.class);
        ModelStore.requireSafeName(event.name(), "model name");
        RegisteredModel previous = registry.find(event.name()).orElse(null);
        registry.register(RegisteredModel.of(event, defaultsOf(event)));
        if (previous == null || !previous.version().equals(event.version()) || previous.state() != event.state()) {
            log.info("model {} version {} {}", event.name(), event.version(), event.state().wireName());
        }
    }

    /** Reads the registry topic from its beginning to its current end, by assignment (no group, no commits). */
    @PostConstruct
    void catchUp() {
        long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
        Properties overrides = new Properties();
        overrides.put("auto.offset.reset", "earliest");
        try (Consumer<String, String> consumer = consumers.createConsumer(null, "gateway-models-catch-up", null, overrides)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(Topics.MODELS.name(), CATCH_UP_LIMIT);
            if (partitions == null || partitions.isEmpty()) {
                return;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, CATCH_UP_LIMIT);
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        onRecord(record);
                    } catch (RuntimeException e) {
                        log.debug("skipping unreadable registry record at offset {} (the listener dead-letters it): {}",
                                record.offset(), e.getMessage());
                    }
                }
            }
            log.info("models announced: {}", registry.names());
        } catch (RuntimeException e) {
            log.warn("could not read {} before start ({}); models appear as the listener reads them", Topics.MODELS.name(),
                    e.toString());
        }
    }

    /** The package's generation_config.json when the store holds it (it is shared in a deployment). */
    private GenerationDefaults defaultsOf(ModelEvent event) {
        try {
            return store.open(event.name(), event.version())
                    .map(pkg -> pkg.generationDefaults())
                    .orElse(GenerationDefaults.NONE);
        } catch (RuntimeException e) {
            log.debug("no generation defaults for {}:{}: {}", event.name(), event.version(), e.getMessage());
            return GenerationDefaults.NONE;
        }
    }
}
