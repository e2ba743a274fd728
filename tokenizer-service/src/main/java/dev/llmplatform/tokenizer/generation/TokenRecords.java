package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.binary.StepCodec;
import dev.llmplatform.kafka.TraceHeaders;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads a record of {@code llm.inference.tokens}: a binary {@link TokenStep}, or one JSON
 * {@link TokenEvent} keyed by its request id with its trace in the record's headers (what inference
 * instances wrote before step records; still read, so a rolling upgrade loses nothing).
 */
final class TokenRecords {

    private TokenRecords() {
    }

    /** @throws dev.llmplatform.contracts.PoisonMessageException when the record cannot be read */
    static List<TokenStep.Item> read(ConsumerRecord<String, byte[]> record) {
        if (StepCodec.isBinary(record.value())) {
            return Topics.INFERENCE_TOKENS.decode(record.value()).items();
        }
        String json = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        // The pre-step-record format, not the topic's type (Topics.INFERENCE_TOKENS): read here alone.
        TokenEvent event = Messages.fromJson(json, TokenEvent.class);
        TraceHeaders trace = TraceHeaders.of(record.headers());
        return List.of(new TokenStep.Item(event, trace.traceparent(), trace.tracestate()));
    }

    /** The requests an unreadable record names: those in a step record's header; none for JSON. */
    static List<StepCodec.Named> names(ConsumerRecord<String, byte[]> record) {
        return StepCodec.isBinary(record.value()) ? StepCodec.names(record.value()) : List.of();
    }
}
