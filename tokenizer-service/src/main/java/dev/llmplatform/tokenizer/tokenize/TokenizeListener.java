package dev.llmplatform.tokenizer.tokenize;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.tokenizer.analysis.AnalysisHandler;
import dev.llmplatform.tokenizer.generation.GenerationPublisher;
import dev.llmplatform.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Kafka adapter of {@link TokenizeResponder}: one answer per request, on the request's reply
 * partition. Unreadable records throw {@link dev.llmplatform.contracts.PoisonMessageException}
 * and the shared error handler dead-letters them; a failed publish is retried by that handler.
 */
@Component
class TokenizeListener {

    private static final Logger log = LoggerFactory.getLogger(TokenizeListener.class);

    private final TokenizeResponder responder;
    private final GenerationPublisher publisher;
    private final AnalysisHandler analysis;

    TokenizeListener(TokenizeResponder responder, GenerationPublisher publisher, AnalysisHandler analysis) {
        this.responder = responder;
        this.publisher = publisher;
        this.analysis = analysis;
    }

    @KafkaListener(topics = Topics.TOKENIZER_REQUESTS_NAME,
            concurrency = "${llm.tokenizer.tokenize-concurrency:1}")
    void onTokenizerRequest(String value) {
        TokenizerRequest request = Topics.TOKENIZER_REQUESTS.decode(value);
        if (request instanceof TokenizerRequest.Analysis embedOrAttend) {
            // Embeddings and attention maps go on to the inference-service, which answers the caller.
            analysis.handle(embedOrAttend);
            return;
        }
        GenerationEvent answer;
        try {
            answer = responder.answer(request);
        } catch (RuntimeException e) {
            // A readable request that fails anyway still gets an answer, so the caller does not wait for nothing.
            log.error("cannot answer tokenizer request {}", request.requestId(), e);
            answer = new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, request.requestId(),
                    ErrorInfo.internal("cannot answer the tokenizer request: " + e.getMessage()));
        }
        publisher.sendAll(List.of(GenerationPublisher.reply(request.replyTo(), answer)));
    }
}
