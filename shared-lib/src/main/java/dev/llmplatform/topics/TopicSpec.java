package dev.llmplatform.topics;

import java.time.Duration;

/**
 * One Kafka topic: its name, partition count, retention, whether it is compacted,
 * and the message type carried as the record value (keys are always the request,
 * job or model id as a UTF-8 string).
 */
public record TopicSpec(String name, int partitions, Duration retention, boolean compacted, Class<?> valueType) {

    /** Dead-letter topic of this topic, where poison records go with their error headers. */
    public String deadLetter() {
        return name + Topics.DEAD_LETTER_SUFFIX;
    }
}
