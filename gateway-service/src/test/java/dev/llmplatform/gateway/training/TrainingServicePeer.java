package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TrainingEvent;
import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * Plays the training-service on Kafka for gateway tests: records the {@link TrainingJob}s on the
 * jobs topic (read from its end at start) and publishes the progress events a test scripts.
 */
final class TrainingServicePeer implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final List<TrainingJob> jobs = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    TrainingServicePeer(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringDeserializer(), new StringDeserializer());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
        List<TopicPartition> partitions = IntStream.range(0, Topics.TRAINING_JOBS.partitions())
                .mapToObj(p -> new TopicPartition(Topics.TRAINING_JOBS.name(), p)).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
        thread = Thread.ofPlatform().daemon().name("training-peer").start(this::loop);
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    TrainingJob job = Messages.fromJson(record.value(), TrainingJob.class);
                    if (!job.jobId().equals(record.key())) {
                        throw new IllegalStateException("job " + job.jobId() + " keyed " + record.key());
                    }
                    jobs.add(job);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    TrainingJob.Submit awaitSubmit(String jobId) {
        return awaitJob(jobId, TrainingJob.Submit.class);
    }

    TrainingJob.CancelJob awaitCancel(String jobId) {
        return awaitJob(jobId, TrainingJob.CancelJob.class);
    }

    private <T extends TrainingJob> T awaitJob(String jobId, Class<T> type) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> jobs.stream()
                .filter(type::isInstance).map(type::cast).filter(j -> j.jobId().equals(jobId))
                .findFirst().orElse(null), job -> job != null);
    }

    void publish(TrainingEvent event) {
        send(Topics.TRAINING_EVENTS.name(), event.jobId(), Messages.toJson(event));
    }

    /** A record on any topic, as another gateway instance (or a broken writer) would send it. */
    void send(String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key, value));
        producer.flush();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(2));
    }
}
