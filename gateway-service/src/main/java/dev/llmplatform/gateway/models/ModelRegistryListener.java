package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.reasoning.AddedTokens;
import dev.llmplatform.gateway.reasoning.ReasoningParsers;
import dev.llmplatform.gateway.tools.ToolCallParsers;
import dev.llmplatform.model.GenerationDefaults;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelSettings;
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
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Predicate;

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
            topics = Topics.MODELS_NAME,
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
        ModelEvent event = Topics.MODELS.decode(record.value());
        ModelStore.requireSafeName(event.name(), "model name");
        RegisteredModel previous = registry.find(event.name()).orElse(null);
        Optional<ModelPackage> pkg = packageOf(event);
        String reasoningParser = parserOf(event, "reasoning", reasoningParsers, pkg,
                s -> s.reasoningParser(), ReasoningParsers::isKnown, ReasoningParsers.names());
        String toolCallParser = parserOf(event, "tool call", toolCallParsers, pkg,
                s -> s.toolCallParser(), ToolCallParsers::isKnown, ToolCallParsers.names());
        registry.register(RegisteredModel.of(event, defaultsOf(event, pkg), reasoningParser,
                reasoningEndTokenIdOf(event, pkg, reasoningParser), toolCallParser));
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

    /**
     * The announced version's package when the store holds it (it is shared in a deployment), opened once
     * per record: its generation defaults, settings and tokenizer all come from it.
     */
    private Optional<ModelPackage> packageOf(ModelEvent event) {
        try {
            return store.open(event.name(), event.version());
        } catch (RuntimeException e) {
            log.debug("no package for {}:{}: {}", event.name(), event.version(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The package's generation_config.json, or none. */
    private GenerationDefaults defaultsOf(ModelEvent event, Optional<ModelPackage> pkg) {
        try {
            return pkg.map(ModelPackage::generationDefaults).orElse(GenerationDefaults.NONE);
        } catch (RuntimeException e) {
            log.debug("no generation defaults for {}:{}: {}", event.name(), event.version(), e.getMessage());
            return GenerationDefaults.NONE;
        }
    }

    /**
     * A parser name for the model: the gateway's {@code llm.gateway.<kind>-parsers.<model>}, else the one in the
     * folder's {@code llm-platform.json}; an unknown name is logged and ignored (null: the endpoint's default).
     */
    private String parserOf(ModelEvent event, String kind, Map<String, String> configured, Optional<ModelPackage> pkg,
                            Function<ModelSettings, String> fromSettings, Predicate<String> known, List<String> knownNames) {
        String parser = configured.get(event.name());
        if (parser == null) {
            try {
                parser = pkg.map(p -> fromSettings.apply(p.layout().settings())).orElse(null);
            } catch (RuntimeException e) {
                log.debug("no settings for {}:{}: {}", event.name(), event.version(), e.getMessage());
            }
        }
        if (!known.test(parser)) {
            log.warn("model {}: unknown {} parser '{}' ignored; known: {}", event.name(), kind, parser, knownNames);
            return null;
        }
        return parser;
    }

    /** The id of the parser's closing tag when the package's tokenizer has it as one added token; else -1. */
    private int reasoningEndTokenIdOf(ModelEvent event, Optional<ModelPackage> pkg, String parser) {
        if (parser == null) {
            return -1;
        }
        try {
            return pkg.map(p -> AddedTokens.idOf(p.tokenizerFile(), ReasoningParsers.endTag(parser))).orElse(-1);
        } catch (RuntimeException e) {
            log.debug("no tokenizer for {}:{}: {}", event.name(), event.version(), e.getMessage());
            return -1;
        }
    }
}
