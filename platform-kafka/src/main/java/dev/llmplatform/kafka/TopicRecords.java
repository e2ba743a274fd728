package dev.llmplatform.kafka;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.topics.BinaryTopic;
import dev.llmplatform.topics.JsonTopic;
import dev.llmplatform.topics.Topic;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;

/**
 * Producer records built from a typed {@link Topic}: the value goes through the topic's own codec, so a
 * value of another type does not compile. {@code String} records for the JSON producers, {@code byte[]}
 * ones for the binary producers ({@link BinaryKafka}).
 */
public final class TopicRecords {

    private TopicRecords() {
    }

    /** One JSON record, keyed (request, job or model id), partitioned by its key. */
    public static <V> ProducerRecord<String, String> record(JsonTopic<V> topic, String key, V value) {
        return new ProducerRecord<>(topic.name(), key, topic.encode(value));
    }

    /** One record of a topic, JSON or binary, as bytes for a {@code byte[]} producer. */
    public static <V> ProducerRecord<String, byte[]> bytes(Topic<V> topic, String key, V value) {
        return new ProducerRecord<>(topic.name(), key, topic.encodeBytes(value));
    }

    /** A binary value as one record or, past {@code maxBytes}, several in order; all keyed alike. */
    public static <V> List<ProducerRecord<String, byte[]>> within(BinaryTopic<V> topic, String key, V value,
                                                                  int maxBytes) {
        return topic.encodeWithin(value, maxBytes).stream()
                .map(bytes -> new ProducerRecord<>(topic.name(), key, bytes)).toList();
    }

    /**
     * One event to the reply topic and partition a request names: the gateways' {@link Topics#GENERATION_EVENTS}
     * or a batch caller's own topic, both JSON {@link GenerationEvent}s (a public contract), keyed by request id.
     */
    public static ProducerRecord<String, String> reply(ReplyTo replyTo, GenerationEvent event) {
        return new ProducerRecord<>(replyTo.topic(), replyTo.partition(), event.requestId(),
                Topics.GENERATION_EVENTS.encode(event));
    }

    /** {@link #reply} as bytes for a {@code byte[]} producer. */
    public static ProducerRecord<String, byte[]> replyBytes(ReplyTo replyTo, GenerationEvent event) {
        return new ProducerRecord<>(replyTo.topic(), replyTo.partition(), event.requestId(),
                Topics.GENERATION_EVENTS.encodeBytes(event));
    }
}
