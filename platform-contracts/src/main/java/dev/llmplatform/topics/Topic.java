package dev.llmplatform.topics;

import java.time.Duration;
import java.util.Map;

/**
 * A topic and the one type its records carry, with their codec, so that writing or reading a record of
 * another type does not compile. {@link JsonTopic} for the JSON topics (record values are {@code String}s,
 * or their UTF-8 bytes), {@link BinaryTopic} for the hot internal ones (record values are {@code byte[]}).
 * Decoding an unreadable record throws {@link dev.llmplatform.contracts.PoisonMessageException}, which every
 * consumer dead-letters.
 */
public abstract sealed class Topic<V> implements TopicSpec permits JsonTopic, BinaryTopic {

    private final String name;
    private final int partitions;
    private final Duration retention;
    private final boolean compacted;
    private final Class<V> valueType;
    private final Map<String, String> configs;

    Topic(String name, int partitions, Duration retention, boolean compacted, Class<V> valueType,
          Map<String, String> configs) {
        this.name = name;
        this.partitions = partitions;
        this.retention = retention;
        this.compacted = compacted;
        this.valueType = valueType;
        this.configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    /** The record's value as bytes, whatever the codec (what a {@code byte[]} producer sends). */
    public abstract byte[] encodeBytes(V value);

    /** @throws dev.llmplatform.contracts.PoisonMessageException when the record cannot be read as a {@code V} */
    public abstract V decode(byte[] record);

    @Override
    public String name() {
        return name;
    }

    @Override
    public int partitions() {
        return partitions;
    }

    @Override
    public Duration retention() {
        return retention;
    }

    @Override
    public boolean compacted() {
        return compacted;
    }

    @Override
    public Class<V> valueType() {
        return valueType;
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public String toString() {
        return name + "<" + valueType.getSimpleName() + ">";
    }
}
