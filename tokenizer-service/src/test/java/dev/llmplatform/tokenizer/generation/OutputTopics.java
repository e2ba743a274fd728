package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.binary.StepCodec;
import dev.llmplatform.kafka.TraceHeaders;
import dev.llmplatform.topics.TopicSpec;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * Everything the tokenizer-service writes (every partition of its output topics and the dead-letter
 * topics of its inputs), read by assignment from the beginning and kept, so tests look records up by key.
 * A binary {@link ReplyStep} is kept as it came ({@link #raw}) and also read as one record per event it
 * carries, keyed by its request id with the event's JSON as value and its trace as header: what the
 * tokenizer wrote, one record per event, before step records.
 */
final class OutputTopics implements AutoCloseable {

    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();
    private final List<ConsumerRecord<String, byte[]>> raw = new ArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;

    OutputTopics(EmbeddedKafkaBroker broker) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker, "tokenizer-test", false);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicSpec topic : List.of(Topics.INFERENCE_REQUESTS, Topics.GENERATION_EVENTS, Topics.GENERATION_CONTROL)) {
            IntStream.range(0, topic.partitions()).forEach(p -> partitions.add(new TopicPartition(topic.name(), p)));
        }
        // Tests send poison to partition 0; the recoverer keeps the partition.
        partitions.add(new TopicPartition(Topics.GENERATION_REQUESTS.deadLetter(), 0));
        partitions.add(new TopicPartition(Topics.TOKENIZER_REQUESTS.deadLetter(), 0));
        partitions.add(new TopicPartition(Topics.INFERENCE_TOKENS.deadLetter(), 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The first record with {@code key} on {@code topic}, waiting up to 30 s for it. */
    String awaitValue(String topic, String key) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            poll();
            return !records(topic, key).isEmpty();
        });
        return records(topic, key).getFirst().value();
    }

    /** Records with {@code key} on {@code topic} seen so far, in order. */
    synchronized List<ConsumerRecord<String, String>> records(String topic, String key) {
        return seen.stream().filter(r -> r.topic().equals(topic) && key.equals(r.key())).toList();
    }

    /** Records on {@code topic} as they came, binary step records included, in order. */
    synchronized List<ConsumerRecord<String, byte[]>> raw(String topic) {
        return raw.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    synchronized void poll() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            raw.add(record);
            if (!(StepCodec.isBinary(record.value()) && record.topic().equals(Topics.GENERATION_EVENTS.name()))) {
                seen.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                        record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
                        record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8),
                        record.headers(), Optional.empty()));
                continue;
            }
            for (ReplyStep.Item item : StepCodec.decodeReplyStep(record.value()).items()) {
                var event = new ConsumerRecord<>(record.topic(), record.partition(), record.offset(),
                        item.event().requestId(), Messages.toJson(item.event()));
                new TraceHeaders(item.traceparent(), item.tracestate()).addTo(event.headers());
                seen.add(event);
            }
        }
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
