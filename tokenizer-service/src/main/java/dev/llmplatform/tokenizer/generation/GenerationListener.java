package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The tokenizer's Kafka adapter for prompts: prompts in, tokenized inference requests out (token ids
 * in, text out: {@link TokenPathListener}). Unreadable records throw
 * {@link dev.llmplatform.contracts.PoisonMessageException} and the shared error handler sends
 * them to the topic's dead-letter topic; a failed publish of a prompt is retried by that handler.
 * Listener and template observations are on (tokenizer.yml) and sends happen on the
 * listener's thread, so what it publishes continues the trace of the record it handles (its
 * {@code traceparent} header).
 */
@Component
class GenerationListener {

    private static final Logger log = LoggerFactory.getLogger(GenerationListener.class);

    private final PromptPreparer preparer;
    private final GenerationPublisher publisher;

    GenerationListener(PromptPreparer preparer, GenerationPublisher publisher) {
        this.preparer = preparer;
        this.publisher = publisher;
    }

    @KafkaListener(topics = Topics.GENERATION_REQUESTS_NAME,
            concurrency = "${llm.tokenizer.request-concurrency:1}")
    void onGenerationRequest(String value) {
        GenerationRequest request = Topics.GENERATION_REQUESTS.decode(value);
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
}
