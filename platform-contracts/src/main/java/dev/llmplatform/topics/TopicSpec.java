package dev.llmplatform.topics;

import java.time.Duration;
import java.util.Map;

/**
 * What it takes to create one Kafka topic: its name, partition count, retention, whether it is compacted,
 * the message type carried as the record value (keys are always the request, job or model id as a UTF-8
 * string), and any further topic configs (e.g. {@code max.message.bytes} for a topic that carries large
 * records). Every topic is a {@link Topic}, which adds the codec of its records.
 */
public interface TopicSpec {

    String name();

    int partitions();

    Duration retention();

    boolean compacted();

    Class<?> valueType();

    Map<String, String> configs();

    /** Dead-letter topic of this topic, where poison records go with their error headers. */
    default String deadLetter() {
        return name() + Topics.DEAD_LETTER_SUFFIX;
    }
}
