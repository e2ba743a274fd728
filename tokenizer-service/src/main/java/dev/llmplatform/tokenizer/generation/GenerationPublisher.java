package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
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
 * Publishes what the tokenizer writes, keyed by request id. {@link #sendAll} waits for the broker's
 * acknowledgement before the listener's record counts as handled, so a failed send is retried by the
 * container's error handler instead of being lost. The token path sends with {@link #sendTraced}
 * and waits once per poll ({@link #awaitAll}), through a template without observation: its records
 * carry the trace context of the token event they answer, copied, not a span per token.
 */
@Component
public class GenerationPublisher {

    private final KafkaTemplate<String, String> template;
    private final KafkaTemplate<String, String> tokenPathTemplate;
    private final Duration timeout;

    @Autowired
    public GenerationPublisher(KafkaTemplate<String, String> template, TokenizerProperties properties) {
        // Same producer (the factory's singleton), so order per partition holds across both templates.
        this(template, new KafkaTemplate<>(template.getProducerFactory()), properties.sendTimeout());
    }

    public GenerationPublisher(KafkaTemplate<String, String> template, KafkaTemplate<String, String> tokenPathTemplate,
                               Duration timeout) {
        this.template = template;
        this.tokenPathTemplate = tokenPathTemplate;
        this.timeout = timeout;
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
     * Sends all records with {@code trace} as their trace context, without waiting; {@code onFailure}
     * runs (on a virtual thread of its own) for each record Kafka finally refuses. Order per request is
     * kept by the key's partition and the producer's idempotence (Kafka's default, up to 5 requests in
     * flight), and the producer retries transient errors itself.
     *
     * @return one future per record, complete (normally or not) once Kafka has answered
     */
    public List<CompletableFuture<?>> sendTraced(List<ProducerRecord<String, String>> records, TraceHeaders trace,
                                                 BiConsumer<ProducerRecord<String, String>, Throwable> onFailure) {
        List<CompletableFuture<?>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<String, String> record : records) {
            trace.addTo(record.headers());
            sent.add(tokenPathTemplate.send(record).whenComplete((result, error) -> {
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
