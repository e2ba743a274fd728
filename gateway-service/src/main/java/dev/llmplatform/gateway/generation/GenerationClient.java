package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenizerRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What the HTTP endpoints need from the generation back end, whatever carries the messages. */
public interface GenerationClient {

    /** Where replies to this instance's requests must go. */
    ReplyTo replyTo();

    /**
     * Publishes the request when subscribed and streams its events: zero or more deltas, then one
     * completed or failed event. The flux errors with an {@code ApiException} when the request cannot be
     * published or its deadline ({@link GenerationRequest#deadlineEpochMs()}) passes; cancelling
     * it before its last event tells the platform to stop generating.
     */
    Flux<GenerationEvent> generate(GenerationRequest request);

    /**
     * Asks the tokenizer-service (tokenize or detokenize) and returns its one answer: a
     * {@code Tokenized}, {@code Detokenized} or {@code Failed} event. Errors with an
     * {@code ApiException} when the request cannot be published or no answer comes before the deadline.
     */
    Mono<GenerationEvent> tokenizer(TokenizerRequest request, long deadlineEpochMs);
}
