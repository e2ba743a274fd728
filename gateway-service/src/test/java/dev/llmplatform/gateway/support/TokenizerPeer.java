package dev.llmplatform.gateway.support;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.topics.TopicSpec;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

/**
 * Plays the tokenizer-service on Kafka for gateway tests: reads {@code GenerationRequest}s and
 * answers each with {@link Replies#scripted} on the reply topic and partition it names, keyed by
 * request id. Before a normal answer it sends a decoy delta to another partition, which the
 * gateway must never see. It also records the cancels on the control topic, and answers tokenizer
 * requests as the slice back end does.
 */
public final class TokenizerPeer implements AutoCloseable {

    public static final String DECOY_TEXT = "WRONG-PARTITION";

    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    private final List<ControlMessage> controls = new CopyOnWriteArrayList<>();
    private final List<TokenizerRequest> tokenizerRequests = new CopyOnWriteArrayList<>();
    private final ScriptedGenerationClient scripted = new ScriptedGenerationClient();
    private final Thread thread;
    private volatile boolean running = true;

    public TokenizerPeer(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringDeserializer(), new StringDeserializer());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
        List<TopicPartition> partitions = new ArrayList<>(partitionsOf(Topics.GENERATION_REQUESTS));
        partitions.addAll(partitionsOf(Topics.GENERATION_CONTROL));
        partitions.addAll(partitionsOf(Topics.TOKENIZER_REQUESTS));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
        thread = Thread.ofPlatform().daemon().name("tokenizer-peer").start(this::loop);
    }

    private static List<TopicPartition> partitionsOf(TopicSpec topic) {
        return IntStream.range(0, topic.partitions()).mapToObj(p -> new TopicPartition(topic.name(), p)).toList();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.topic().equals(Topics.GENERATION_CONTROL.name())) {
                        controls.add(Messages.fromJson(record.value(), ControlMessage.class));
                    } else if (record.topic().equals(Topics.TOKENIZER_REQUESTS.name())) {
                        answer(Messages.fromJson(record.value(), TokenizerRequest.class));
                    } else {
                        answer(Messages.fromJson(record.value(), GenerationRequest.class));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    private void answer(GenerationRequest request) {
        requests.add(request);
        String id = request.requestId();
        List<GenerationEvent> replies = Replies.scripted(request);
        if (replies.size() > 2) {
            int otherPartition = (request.replyTo().partition() + 1) % Topics.GENERATION_EVENTS.partitions();
            send(request.replyTo().topic(), otherPartition, id, Replies.delta(id, DECOY_TEXT));
        }
        replies.forEach(event -> send(request.replyTo().topic(), request.replyTo().partition(), id, event));
        producer.flush();
    }

    /** The slice back end's answers ({@link ScriptedGenerationClient#tokenizer}), sent over Kafka. */
    private void answer(TokenizerRequest request) {
        tokenizerRequests.add(request);
        GenerationEvent reply = scripted.tokenizer(request, 0).block();
        send(request.replyTo().topic(), request.replyTo().partition(), request.requestId(), reply);
        producer.flush();
    }

    /** Sends a message as the tokenizer would (call {@link #flush} to have it sent now). */
    public void send(String topic, int partition, String key, Object message) {
        producer.send(new ProducerRecord<>(topic, partition, key, Messages.toJson(message)));
    }

    public void flush() {
        producer.flush();
    }

    /** Sends a raw record to a reply partition, e.g. a poison one. */
    public void sendRaw(String topic, int partition, String key, String value) {
        producer.send(new ProducerRecord<>(topic, partition, key, value));
        producer.flush();
    }

    public List<GenerationRequest> requests() {
        return requests;
    }

    public List<TokenizerRequest> tokenizerRequests() {
        return tokenizerRequests;
    }

    public List<ControlMessage> controls() {
        return controls;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(2));
    }
}
