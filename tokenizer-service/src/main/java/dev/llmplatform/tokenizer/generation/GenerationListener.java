package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TokenEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tokenizer's Kafka adapter: prompts in, tokenized inference requests out; token ids in,
 * text events out to each request's reply partition. Unreadable records throw
 * {@link dev.llmplatform.contracts.PoisonMessageException} and the shared error handler sends
 * them to the topic's dead-letter topic; a failed publish of a prompt is retried by that handler, while
 * token events' outputs are sent without waiting (a refused one fails the stream). Listener and
 * template observations are on (tokenizer.yml) and sends happen on the listener's thread, so what it
 * publishes continues the trace of the record it handles (its {@code traceparent} header).
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

    @KafkaListener(topics = "#{T(dev.llmplatform.topics.Topics).INFERENCE_TOKENS.name()}",
            concurrency = "${llm.tokenizer.token-concurrency:2}")
    void onTokens(String value) {
        TokenEvent event = Messages.fromJson(value, TokenEvent.class);
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
        if (!out.isEmpty()) {
            // Not waiting for the acks: one broker round trip per token event on this thread was the path's
            // bottleneck (docs/benchmarks.md, Issue 5). A record Kafka refuses even after the producer's own
            // retries fails the stream instead of being retried by the container.
            publisher.sendAllAsync(out, (record, error) -> failStream(event, record, error));
        }
    }

    /**
     * A token event's output could not be published: the caller gets a {@code Failed} and the
     * engine a cancel, both best effort (if Kafka refuses those too, the gateway's deadline ends the request).
     */
    private void failStream(TokenEvent event, ProducerRecord<String, String> record, Throwable error) {
        log.error("cannot publish to {} for request {}", record.topic(), event.requestId(), error);
        if (!record.topic().equals(event.decode().replyTo().topic())) {
            return;   // a lost cancel: the stream already ended for the caller
        }
        publisher.sendAllAsync(List.of(
                GenerationPublisher.reply(event.decode().replyTo(), new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION,
                        event.requestId(), ErrorInfo.internal("cannot publish the generated text: " + error.getMessage()))),
                GenerationPublisher.control(ControlMessage.Cancel.of(event.requestId(), ControlMessage.Reason.CLIENT))),
                (r, e) -> log.error("cannot publish the failure of request {} to {}", event.requestId(), r.topic(), e));
    }
}
