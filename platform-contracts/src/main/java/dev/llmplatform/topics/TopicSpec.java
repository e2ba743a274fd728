package dev.llmplatform.topics;

import java.time.Duration;
import java.util.Map;

/**
 * One Kafka topic: its name, partition count, retention, whether it is compacted,
 * the message type carried as the record value (keys are always the request,
 * job or model id as a UTF-8 string), and any further topic configs
 * (e.g. {@code max.message.bytes} for a topic that carries large records).
 */
public record TopicSpec(String name, int partitions, Duration retention, boolean compacted, Class<?> valueType,
                        Map<String, String> configs) {

    public TopicSpec {
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    public TopicSpec(String name, int partitions, Duration retention, boolean compacted, Class<?> valueType) {
        this(name, partitions, retention, compacted, valueType, Map.of());
    }

    /** Dead-letter topic of this topic, where poison records go with their error headers. */
    public String deadLetter() {
        return name + Topics.DEAD_LETTER_SUFFIX;
    }
}
