package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.topics.TopicSpec;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * Everything the tokenizer-service writes (every partition of its output topics and the dead-letter
 * topics of its inputs), read by assignment from the beginning and kept, so tests look records up by key.
 */
final class OutputTopics implements AutoCloseable {

    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();
    private final KafkaConsumer<String, String> consumer;

    OutputTopics(EmbeddedKafkaBroker broker) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker, "tokenizer-test", false);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
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

    synchronized void poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
