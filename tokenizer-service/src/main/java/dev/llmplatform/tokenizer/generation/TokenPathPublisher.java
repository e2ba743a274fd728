package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.kafka.BinaryKafka;
import dev.llmplatform.kafka.TopicRecords;
import dev.llmplatform.kafka.TraceHeaders;
import dev.llmplatform.tokenizer.TokenizerProperties;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Publishes the token path's output through one byte-array producer (so its records keep their order per
 * partition): {@link ReplyStep}s in binary to the gateways' reply partitions, JSON events to a caller's
 * own reply topic (a batch job's: that contract is public), JSON cancels to the engine. Sends without
 * waiting; the listener waits once per poll ({@link #awaitAll}). No observation on this template: each
 * record carries the trace context of the token event it answers (a step record, each of its items').
 */
@Component
public class TokenPathPublisher {

    /** Below the producer's default {@code max.request.size} (1 MB). */
    static final int MAX_STEP_RECORD_BYTES = 900 * 1024;

    private final KafkaTemplate<String, byte[]> template;
    private final Duration timeout;

    @Autowired
    public TokenPathPublisher(BinaryKafka.Producer tokenPathProducer, TokenizerProperties properties) {
        this(tokenPathProducer.template(), properties.sendTimeout());
    }

    public TokenPathPublisher(KafkaTemplate<String, byte[]> template, Duration timeout) {
        this.template = template;
        this.timeout = timeout;
    }

    /** True for the gateways' reply topic, which takes step records; any other is a caller's, one JSON record per event. */
    static boolean takesSteps(ReplyTo replyTo) {
        return replyTo.topic().equals(Topics.GENERATION_EVENTS.name());
    }

    /** One request's event as JSON, keyed by its id, with its trace. */
    public static ProducerRecord<String, byte[]> json(ReplyTo replyTo, GenerationEvent event, TraceHeaders trace) {
        var record = TopicRecords.replyBytes(replyTo, event);
        trace.addTo(record.headers());
        return record;
    }

    /**
     * The events of several requests for one reply partition: one binary record, or several in order when
     * it would outgrow the producer's default 1 MB request (long log-probability lists).
     */
    public static List<ProducerRecord<String, byte[]>> steps(ReplyTo replyTo, String key, ReplyStep step) {
        return Topics.GENERATION_EVENT_STEPS.encodeWithin(step, MAX_STEP_RECORD_BYTES).stream()
                .map(bytes -> new ProducerRecord<>(replyTo.topic(), replyTo.partition(), key, bytes)).toList();
    }

    public static ProducerRecord<String, byte[]> control(ControlMessage message, TraceHeaders trace) {
        var record = TopicRecords.bytes(Topics.GENERATION_CONTROL, message.requestId(), message);
        trace.addTo(record.headers());
        return record;
    }

    /**
     * Sends all records without waiting; {@code onFailure} runs (on a virtual thread of its own) for each
     * record Kafka finally refuses. Order per partition is kept by the producer's idempotence (Kafka's
     * default, up to 5 requests in flight), and the producer retries transient errors itself.
     *
     * @return one future per record, complete (normally or not) once Kafka has answered
     */
    public List<CompletableFuture<?>> send(List<ProducerRecord<String, byte[]>> records,
                                           BiConsumer<ProducerRecord<String, byte[]>, Throwable> onFailure) {
        List<CompletableFuture<?>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            sent.add(template.send(record).whenComplete((result, error) -> {
                if (error != null) {
                    // Off the producer's I/O thread: a send from there could block on a full buffer only it drains.
                    Thread.ofVirtual().name("tokenizer-send-failure").start(() -> onFailure.accept(record, error));
                }
            }));
        }
        return sent;
    }

    /**
     * Waits until Kafka has answered every send (a refusal counts: its {@code onFailure} handles it).
     *
     * @throws IllegalStateException when some are still unanswered after the send timeout, so the
     *                               container does not commit past records whose output may be lost
     */
    public void awaitAll(List<CompletableFuture<?>> sent) {
        try {
            CompletableFuture.allOf(sent.stream().map(f -> f.exceptionally(error -> null)).toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the token path's output within " + timeout, e);
        }
    }
}
