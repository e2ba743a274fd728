package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.kafka.TraceHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The tokenizer's Kafka adapter: prompts in, tokenized inference requests out; token ids in,
 * text events out to each request's reply partition. Unreadable records throw
 * {@link dev.llmplatform.contracts.PoisonMessageException} and the shared error handler sends
 * them to the topic's dead-letter topic; a failed publish of a prompt is retried by that handler.
 * Prompts: listener and template observations are on (tokenizer.yml) and sends happen on the
 * listener's thread, so what it publishes continues the trace of the record it handles (its
 * {@code traceparent} header). Token events: see {@link #onTokens(List)}.
 */
@Component
class GenerationListener {

    private static final Logger log = LoggerFactory.getLogger(GenerationListener.class);

    private final PromptPreparer preparer;
    private final TokenStreamDecoder decoder;
    private final GenerationPublisher publisher;

    GenerationListener(PromptPreparer preparer, TokenStreamDecoder decoder, GenerationPublisher publisher) {
        this.preparer = preparer;
        this.decoder = decoder;
        this.publisher = publisher;
    }

    @KafkaListener(topics = "#{T(dev.llmplatform.topics.Topics).GENERATION_REQUESTS.name()}",
            concurrency = "${llm.tokenizer.request-concurrency:1}")
    void onGenerationRequest(String value) {
        GenerationRequest request = Messages.fromJson(value, GenerationRequest.class);
        PromptPreparer.Outcome outcome;
        try {
            outcome = preparer.prepare(request);
        } catch (RuntimeException e) {
            log.error("cannot prepare request {}", request.requestId(), e);
            outcome = new PromptPreparer.Outcome.Rejected(ErrorInfo.internal("cannot tokenize the prompt: " + e.getMessage()));
        }
        ProducerRecord<String, String> out = switch (outcome) {
            case PromptPreparer.Outcome.Accepted accepted -> GenerationPublisher.inference(accepted.request());
            case PromptPreparer.Outcome.Rejected rejected -> {
                log.debug("request {} rejected: {}", request.requestId(), rejected.error().message());
                yield GenerationPublisher.reply(request.replyTo(), new GenerationEvent.Failed(
                        GenerationEvent.CURRENT_VERSION, request.requestId(), rejected.error()));
            }
        };
        publisher.sendAll(List.of(out));
    }

    /**
     * Token events, a poll at a time: each is decoded and its output sent without waiting, then the
     * listener waits once for all of the poll's sends, so the container commits the poll's offsets only
     * once its output is in Kafka (a tokenizer that dies before that has the events redelivered; the
     * gateway drops the Deltas it already passed on by their offsets). One broker round trip per poll
     * instead of one per event. An unreadable record is dead-lettered once what precedes it is out.
     */
    @KafkaListener(topics = "#{T(dev.llmplatform.topics.Topics).INFERENCE_TOKENS.name()}",
            concurrency = "${llm.tokenizer.token-concurrency:2}", batch = "true",
            containerPostProcessor = TokenPathContainer.BEAN)
    void onTokens(List<ConsumerRecord<String, String>> records) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, String> record = records.get(i);
            TokenEvent event;
            try {
                event = Messages.fromJson(record.value(), TokenEvent.class);
            } catch (PoisonMessageException e) {
                publisher.awaitAll(sent);
                throw new BatchListenerFailedException("unreadable token event", e, i);
            }
            // No observation runs for a batch: the event's own trace context goes on what answers it.
            TraceHeaders trace = TraceHeaders.of(record.headers());
            try (TraceHeaders.MdcScope ignored = trace.inMdc()) {
                sent.addAll(onTokens(event, trace));
            }
        }
        publisher.awaitAll(sent);
    }

    private List<CompletableFuture<?>> onTokens(TokenEvent event, TraceHeaders trace) {
        TokenStreamDecoder.Output output;
        try {
            output = decoder.decode(event);
        } catch (RuntimeException e) {
            // A readable event that cannot be decoded: the caller gets an error instead of a stream that never ends.
            log.error("cannot decode token event of request {}", event.requestId(), e);
            output = new TokenStreamDecoder.Output(Optional.of(new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION,
                    event.requestId(), ErrorInfo.internal("cannot decode tokens: " + e.getMessage()))), Optional.empty());
        }
        List<ProducerRecord<String, String>> out = new ArrayList<>(2);
        output.event().ifPresent(e -> out.add(GenerationPublisher.reply(event.decode().replyTo(), e)));
        output.cancel().ifPresent(cancel -> out.add(GenerationPublisher.control(cancel)));
        // A record Kafka refuses even after the producer's own retries fails the stream.
        return publisher.sendTraced(out, trace, (record, error) -> failStream(event, trace, record, error));
    }

    /**
     * A token event's output could not be published: the caller gets a {@code Failed} and the
     * engine a cancel, both best effort (if Kafka refuses those too, the gateway's deadline ends the request).
     */
    private void failStream(TokenEvent event, TraceHeaders trace, ProducerRecord<String, String> record, Throwable error) {
        log.error("cannot publish to {} for request {}", record.topic(), event.requestId(), error);
        if (!record.topic().equals(event.decode().replyTo().topic())) {
            return;   // a lost cancel: the stream already ended for the caller
        }
        publisher.sendTraced(List.of(
                GenerationPublisher.reply(event.decode().replyTo(), new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION,
                        event.requestId(), ErrorInfo.internal("cannot publish the generated text: " + error.getMessage()))),
                GenerationPublisher.control(ControlMessage.Cancel.of(event.requestId(), ControlMessage.Reason.CLIENT))), trace,
                (r, e) -> log.error("cannot publish the failure of request {} to {}", event.requestId(), r.topic(), e));
    }
}
