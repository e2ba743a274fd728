package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.model.GenerationDefaults;
import dev.llmplatform.model.ModelStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the registry fresh from the compacted registry topic. Each gateway instance reads it in a
 * group of its own, from the earliest record, so every instance sees every publication. Poison
 * records go to the topic's dead-letter topic through the platform's error handler.
 */
@Component
public class ModelRegistryListener {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistryListener.class);

    private final ModelRegistry registry;
    private final ModelStore store;

    public ModelRegistryListener(ModelRegistry registry, ModelStore store) {
        this.registry = registry;
        this.store = store;
    }

    @KafkaListener(
            groupId = "gateway-models-${random.uuid}",
            topics = "#{T(dev.llmplatform.topics.Topics).MODELS.name()}",
            properties = "auto.offset.reset=earliest")
    public void onRecord(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            // A tombstone on the compacted topic withdraws the model.
            registry.remove(record.key());
            log.info("model {} withdrawn", record.key());
            return;
        }
        ModelEvent event = Messages.fromJson(record.value(), ModelEvent.class);
        ModelStore.requireSafeName(event.name(), "model name");
        registry.register(RegisteredModel.of(event, defaultsOf(event)));
        log.info("model {} version {} registered", event.name(), event.version());
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
