package dev.llmplatform.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A topic (or the binary part of one) whose records are a hand-laid binary {@code V}
 * ({@link dev.llmplatform.contracts.binary.StepCodec}).
 */
public final class BinaryTopic<V> extends Topic<V> {

    private final Function<V, byte[]> encoder;
    private final BiFunction<V, Integer, List<byte[]>> splitter;
    private final Function<byte[], V> decoder;

    BinaryTopic(String name, int partitions, Duration retention, Class<V> valueType, Function<V, byte[]> encoder,
                BiFunction<V, Integer, List<byte[]>> splitter, Function<byte[], V> decoder) {
        this(name, partitions, retention, Map.of(), valueType, encoder, splitter, decoder);
    }

    /** The binary part of a topic whose other records are JSON: same name and settings. */
    BinaryTopic(TopicSpec topic, Class<V> valueType, Function<V, byte[]> encoder,
                BiFunction<V, Integer, List<byte[]>> splitter, Function<byte[], V> decoder) {
        this(topic.name(), topic.partitions(), topic.retention(), topic.configs(), valueType, encoder, splitter, decoder);
    }

    private BinaryTopic(String name, int partitions, Duration retention, Map<String, String> configs,
                        Class<V> valueType, Function<V, byte[]> encoder,
                        BiFunction<V, Integer, List<byte[]>> splitter, Function<byte[], V> decoder) {
        super(name, partitions, retention, false, valueType, configs);
        this.encoder = encoder;
        this.splitter = splitter;
        this.decoder = decoder;
    }

    public byte[] encode(V value) {
        return encoder.apply(value);
    }

    /** One record, or several in order, none over {@code maxBytes} (unless one item alone is larger). */
    public List<byte[]> encodeWithin(V value, int maxBytes) {
        return splitter.apply(value, maxBytes);
    }

    @Override
    public byte[] encodeBytes(V value) {
        return encode(value);
    }

    @Override
    public V decode(byte[] record) {
        return decoder.apply(record);
    }
}
