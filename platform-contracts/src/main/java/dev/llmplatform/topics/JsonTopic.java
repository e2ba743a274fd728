package dev.llmplatform.topics;

import dev.llmplatform.contracts.Messages;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A topic whose records are one JSON {@code V} each, through {@link Messages}. */
public final class JsonTopic<V> extends Topic<V> {

    JsonTopic(String name, int partitions, Duration retention, boolean compacted, Class<V> valueType,
              Map<String, String> configs) {
        super(name, partitions, retention, compacted, valueType, configs);
    }

    JsonTopic(String name, int partitions, Duration retention, Class<V> valueType) {
        this(name, partitions, retention, false, valueType, Map.of());
    }

    public String encode(V value) {
        return Messages.toJson(value);
    }

    @Override
    public byte[] encodeBytes(V value) {
        return encode(value).getBytes(StandardCharsets.UTF_8);
    }

    /** @throws dev.llmplatform.contracts.PoisonMessageException when the record is not a readable {@code V} */
    public V decode(String record) {
        return Messages.fromJson(record, valueType());
    }

    @Override
    public V decode(byte[] record) {
        return decode(record == null ? null : new String(record, StandardCharsets.UTF_8));
    }
}
