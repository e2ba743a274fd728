package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.kafka.TopicRecords;
import dev.llmplatform.tokenizer.TokenizerProperties;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes what the tokenizer writes outside the token path ({@link TokenPathPublisher}), keyed by
 * request id. {@link #sendAll} waits for the broker's acknowledgement before the listener's record
 * counts as handled, so a failed send is retried by the container's error handler instead of being lost.
 */
@Component
public class GenerationPublisher {

    private final KafkaTemplate<String, String> template;
    private final Duration timeout;

    @Autowired
    public GenerationPublisher(KafkaTemplate<String, String> template, TokenizerProperties properties) {
        this(template, properties.sendTimeout());
    }

    public GenerationPublisher(KafkaTemplate<String, String> template, Duration timeout) {
        this.template = template;
        this.timeout = timeout;
    }

    public static ProducerRecord<String, String> reply(ReplyTo replyTo, GenerationEvent event) {
        return TopicRecords.reply(replyTo, event);
    }

    public static ProducerRecord<String, String> inference(InferenceRequest request) {
        return TopicRecords.record(Topics.INFERENCE_REQUESTS, request.requestId(), request);
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
