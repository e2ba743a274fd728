package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.binary.StepCodec;
import dev.llmplatform.kafka.TraceHeaders;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The token path: step records of token events in, text out. Each record's events are decoded one by
 * one (stateless: any instance can decode any record) and answered with one {@link ReplyStep} per
 * gateway reply partition they name, one JSON event per request whose reply topic is a caller's own
 * (a batch job's), and a cancel per stop string found. Records are sent without waiting; the listener
 * waits once per poll, so the container commits a poll's offsets only once its output is in Kafka (a
 * tokenizer that dies before that has the records redelivered, and the gateway drops the Deltas it
 * already passed on by their offsets). An unreadable record is dead-lettered once what precedes it is
 * out, and the requests its header names fail at once (their callers get a {@code Failed}, the engine
 * a cancel) instead of waiting for their deadlines.
 */
@Component
class TokenPathListener {

    private static final Logger log = LoggerFactory.getLogger(TokenPathListener.class);

    private final TokenStreamDecoder decoder;
    private final TokenPathPublisher publisher;

    TokenPathListener(TokenStreamDecoder decoder, TokenPathPublisher publisher) {
        this.decoder = decoder;
        this.publisher = publisher;
    }

    @KafkaListener(topics = Topics.INFERENCE_TOKENS_NAME,
            concurrency = "${llm.tokenizer.token-concurrency:2}", batch = "true",
            containerFactory = TokenPathContainer.FACTORY, containerPostProcessor = TokenPathContainer.BEAN)
    void onTokens(List<ConsumerRecord<String, byte[]>> records) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            List<TokenStep.Item> items;
            try {
                items = TokenRecords.read(record);
            } catch (PoisonMessageException e) {
                sent.addAll(failNamed(TokenRecords.names(record), e));
                publisher.awaitAll(sent);
                throw new BatchListenerFailedException("unreadable token record", e, i);
            }
            sent.addAll(answer(record.key(), items));
        }
        publisher.awaitAll(sent);
    }

    /** The output of one step record: a step record per gateway reply partition, JSON elsewhere, cancels. */
    private List<CompletableFuture<?>> answer(String key, List<TokenStep.Item> items) {
        Map<ReplyTo, List<ReplyStep.Item>> steps = new LinkedHashMap<>();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (TokenStep.Item item : items) {
            TokenEvent event = item.event();
            TraceHeaders trace = new TraceHeaders(item.traceparent(), item.tracestate());
            TokenStreamDecoder.Output output;
            try (TraceHeaders.MdcScope ignored = trace.inMdc()) {
                output = decode(event);
            }
            ReplyTo replyTo = event.decode().replyTo();
            output.event().ifPresent(e -> {
                if (TokenPathPublisher.takesSteps(replyTo)) {
                    steps.computeIfAbsent(replyTo, r -> new ArrayList<>())
                            .add(new ReplyStep.Item(e, item.traceparent(), item.tracestate()));
                } else {
                    out.add(TokenPathPublisher.json(replyTo, e, trace));
                }
            });
            output.cancel().ifPresent(cancel -> out.add(TokenPathPublisher.control(cancel, trace)));
        }
        steps.forEach((replyTo, stepItems) -> out.addAll(TokenPathPublisher.steps(replyTo, key, ReplyStep.of(stepItems))));
        // A record Kafka refuses even after the producer's own retries fails the streams it carried.
        return publisher.send(out, this::failRefused);
    }

    private TokenStreamDecoder.Output decode(TokenEvent event) {
        try {
            return decoder.decode(event);
        } catch (RuntimeException e) {
            // A readable event that cannot be decoded: the caller gets an error instead of a stream that never ends.
            log.error("cannot decode token event of request {}", event.requestId(), e);
            return TokenStreamDecoder.Output.of(new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION,
                    event.requestId(), ErrorInfo.internal("cannot decode tokens: " + e.getMessage())));
        }
    }

    /**
     * Output that Kafka refused: the callers whose events it carried get a {@code Failed} and the engine a
     * cancel, best effort (if Kafka refuses those too, the gateway's deadline ends the request).
     */
    private void failRefused(ProducerRecord<String, byte[]> record, Throwable error) {
        String message = "cannot publish the generated text: " + error.getMessage();
        ReplyTo replyTo = new ReplyTo(record.topic(), record.partition() == null ? 0 : record.partition());
        if (StepCodec.isBinary(record.value())) {   // ours, so readable: each request fails with its own trace
            List<ReplyStep.Item> items = Topics.GENERATION_EVENT_STEPS.decode(record.value()).items();
            log.error("cannot publish to {} for requests {}", record.topic(),
                    items.stream().map(item -> item.event().requestId()).toList(), error);
            for (ReplyStep.Item item : items) {
                fail(new StepCodec.Named(item.event().requestId(), replyTo), message, 500,
                        new TraceHeaders(item.traceparent(), item.tracestate()));
            }
            return;
        }
        log.error("cannot publish to {} for request {}", record.topic(), record.key(), error);
        if (!record.topic().equals(Topics.GENERATION_CONTROL.name())) {
            fail(new StepCodec.Named(record.key(), replyTo), message, 500, TraceHeaders.of(record.headers()));
        }   // else a lost cancel: the stream already ended for the caller
    }

    /** The requests a poison record names end now, with a 502 saying their tokens were dead-lettered. */
    private List<CompletableFuture<?>> failNamed(List<StepCodec.Named> named, PoisonMessageException e) {
        log.warn("dead-lettering an unreadable token record; failing the requests it names: {}",
                named.stream().map(StepCodec.Named::requestId).toList(), e);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (StepCodec.Named n : named) {
            sent.addAll(fail(n, "the platform produced tokens it cannot read (dead-lettered): " + e.getMessage(), 502,
                    TraceHeaders.NONE));
        }
        return sent;
    }

    /** A {@code Failed} for the caller and a cancel for the engine, best effort. */
    private List<CompletableFuture<?>> fail(StepCodec.Named request, String message, int status, TraceHeaders trace) {
        var failed = new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, request.requestId(),
                new ErrorInfo(status, "server_error", message, null, null));
        return publisher.send(List.of(TokenPathPublisher.json(request.replyTo(), failed, trace),
                        TokenPathPublisher.control(ControlMessage.Cancel.of(request.requestId(), ControlMessage.Reason.CLIENT), trace)),
                (record, error) -> log.error("cannot publish the failure of request {} to {}", record.key(), record.topic(), error));
    }
}
