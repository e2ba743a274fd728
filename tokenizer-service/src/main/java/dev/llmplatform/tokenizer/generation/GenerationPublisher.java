package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.tokenizer.TokenizerProperties;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Publishes what the tokenizer writes, keyed by request id. {@link #sendAll} waits for the broker's
 * acknowledgement before the listener's record counts as handled, so a failed send is retried by the
 * container's error handler instead of being lost; the token path uses {@link #sendAllAsync} instead.
 */
@Component
public class GenerationPublisher {

    private final KafkaTemplate<String, String> template;
    private final Duration timeout;

    public GenerationPublisher(KafkaTemplate<String, String> template, TokenizerProperties properties) {
        this.template = template;
        this.timeout = properties.sendTimeout();
    }

    public static ProducerRecord<String, String> reply(ReplyTo replyTo, GenerationEvent event) {
        return new ProducerRecord<>(replyTo.topic(), replyTo.partition(), event.requestId(), Messages.toJson(event));
    }

    public static ProducerRecord<String, String> inference(InferenceRequest request) {
        return new ProducerRecord<>(Topics.INFERENCE_REQUESTS.name(), request.requestId(), Messages.toJson(request));
    }

    public static ProducerRecord<String, String> control(ControlMessage message) {
        return new ProducerRecord<>(Topics.GENERATION_CONTROL.name(), message.requestId(), Messages.toJson(message));
    }

    /**
     * Sends all records without waiting for their acknowledgements; {@code onFailure} runs (on a
     * virtual thread of its own) for each record Kafka finally refuses. For the per-token hot path: waiting
     * for each record's ack held the listener thread for a broker round trip per token event.
     * Order per request is kept by the key's partition and the producer's idempotence (Kafka's
     * default, up to 5 requests in flight), and the producer retries transient errors itself.
     */
    public void sendAllAsync(List<ProducerRecord<String, String>> records,
                             BiConsumer<ProducerRecord<String, String>, Throwable> onFailure) {
        for (ProducerRecord<String, String> record : records) {
            template.send(record).whenComplete((result, error) -> {
                if (error != null) {
                    // Off the producer's I/O thread: a send from there could block on a full buffer only it drains.
                    Thread.ofVirtual().name("tokenizer-send-failure").start(() -> onFailure.accept(record, error));
                }
            });
        }
    }

    /** Sends all records, then waits for every acknowledgement. */
    public void sendAll(List<ProducerRecord<String, String>> records) {
        List<CompletableFuture<?>> sent = records.stream().<CompletableFuture<?>>map(template::send).toList();
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("publishing to Kafka failed: " + e.getMessage(), e);
        }
    }
}
