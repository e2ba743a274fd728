package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.reasoning.AddedTokens;
import dev.llmplatform.gateway.reasoning.ReasoningParsers;
import dev.llmplatform.gateway.tools.ToolCallParsers;
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
    /** Per partition, the offset up to which the catch-up applied records: the listener, replaying from the start, skips them. */
    private final Map<Integer, Long> caughtUpTo = new java.util.concurrent.ConcurrentHashMap<>();
    /** Records the catch-up could not read: the listener reads them again, so its error handler dead-letters them. */
    private final java.util.Set<String> unreadAtCatchUp = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, String> reasoningParsers;
    private final Map<String, String> toolCallParsers;

    /** @param gateway {@code llm.gateway.reasoning-parsers}: a model's parser set here wins over its folder's */
    public ModelRegistryListener(ModelRegistry registry, ModelStore store, ConsumerFactory<String, String> consumers,
                                 GatewayProperties gateway) {
        this.registry = registry;
        this.store = store;
        this.consumers = consumers;
        this.reasoningParsers = gateway.reasoningParsers();
        this.toolCallParsers = gateway.toolCallParsers();
    }

    @KafkaListener(
            groupId = "gateway-models-${random.uuid}",
            topics = "#{T(dev.llmplatform.topics.Topics).MODELS.name()}",
            properties = "auto.offset.reset=earliest")
    public void onRecord(ConsumerRecord<String, String> record) {
        if (record.offset() < caughtUpTo.getOrDefault(record.partition(), 0L)
                && !unreadAtCatchUp.contains(record.partition() + ":" + record.offset())) {
            return;     // applied before start: replaying it would show an older state for a moment
        }
        apply(record);
    }

    private void apply(ConsumerRecord<String, String> record) {
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
        String reasoningParser = reasoningParserOf(event);
        registry.register(RegisteredModel.of(event, defaultsOf(event), reasoningParser,
                reasoningEndTokenIdOf(event, reasoningParser), toolCallParserOf(event)));
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
                        apply(record);
                    } catch (RuntimeException e) {
                        unreadAtCatchUp.add(record.partition() + ":" + record.offset());
                        log.debug("skipping unreadable registry record at offset {} (the listener dead-letters it): {}",
                                record.offset(), e.getMessage());
                    }
                }
            }
            assigned.forEach(tp -> caughtUpTo.put(tp.partition(), consumer.position(tp)));
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

    /**
     * The gateway's {@code llm.gateway.reasoning-parsers.<model>}, else {@code reasoning_parser} in the folder's
     * {@code llm-platform.json}; an unknown name is logged and ignored (the model answers without a split).
     */
    private String reasoningParserOf(ModelEvent event) {
        String parser = reasoningParsers.get(event.name());
        if (parser == null) {
            try {
                parser = store.open(event.name(), event.version())
                        .map(pkg -> pkg.layout().settings().reasoningParser())
                        .orElse(null);
            } catch (RuntimeException e) {
                log.debug("no settings for {}:{}: {}", event.name(), event.version(), e.getMessage());
            }
        }
        if (!ReasoningParsers.isKnown(parser)) {
            log.warn("model {}: unknown reasoning parser '{}' ignored; known: {}", event.name(), parser,
                    ReasoningParsers.names());
            return null;
        }
        return parser;
    }

    /**
     * The gateway's {@code llm.gateway.tool-call-parsers.<model>}, else {@code tool_call_parser} in the folder's
     * {@code llm-platform.json}, else null (the default, hermes); an unknown name is logged and ignored.
     */
    private String toolCallParserOf(ModelEvent event) {
        String parser = toolCallParsers.get(event.name());
        if (parser == null) {
            try {
                parser = store.open(event.name(), event.version())
                        .map(pkg -> pkg.layout().settings().toolCallParser())
                        .orElse(null);
            } catch (RuntimeException e) {
                log.debug("no settings for {}:{}: {}", event.name(), event.version(), e.getMessage());
            }
        }
        if (!ToolCallParsers.isKnown(parser)) {
            log.warn("model {}: unknown tool call parser '{}' ignored; known: {}", event.name(), parser,
                    ToolCallParsers.names());
            return null;
        }
        return parser;
    }

    /** The id of the parser's closing tag when the package's tokenizer has it as one added token; else -1. */
    private int reasoningEndTokenIdOf(ModelEvent event, String parser) {
        if (parser == null) {
            return -1;
        }
        try {
            return store.open(event.name(), event.version())
                    .map(pkg -> AddedTokens.idOf(pkg.tokenizerFile(), ReasoningParsers.endTag(parser)))
                    .orElse(-1);
        } catch (RuntimeException e) {
            log.debug("no tokenizer for {}:{}: {}", event.name(), event.version(), e.getMessage());
            return -1;
        }
    }
}
