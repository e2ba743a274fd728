package dev.llmplatform.tokenizer.analysis;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.kafka.TopicRecords;
import dev.llmplatform.tokenizer.generation.GenerationPublisher;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The Kafka side of {@link AnalysisPreparer}, called by the tokenizer-requests listener for
 * embeddings and attention requests: the tokenized request goes to {@code llm.inference.analysis},
 * a refusal straight to the caller's reply partition. Waits for the broker, so a failed publish
 * is retried by the listener's error handler.
 */
@Component
public class AnalysisHandler {

    private static final Logger log = LoggerFactory.getLogger(AnalysisHandler.class);

    private final AnalysisPreparer preparer;
    private final GenerationPublisher publisher;

    public AnalysisHandler(AnalysisPreparer preparer, GenerationPublisher publisher) {
        this.preparer = preparer;
        this.publisher = publisher;
    }

    public void handle(TokenizerRequest.Analysis request) {
        AnalysisPreparer.Outcome outcome;
        try {
            outcome = preparer.prepare(request);
        } catch (RuntimeException e) {
            // A readable request that fails anyway still gets an answer, so the caller does not wait for nothing.
            log.error("cannot prepare analysis request {}", request.requestId(), e);
            outcome = new AnalysisPreparer.Outcome.Rejected(ErrorInfo.internal("cannot tokenize the input: " + e.getMessage()));
        }
        ProducerRecord<String, String> out = switch (outcome) {
            case AnalysisPreparer.Outcome.Accepted accepted -> inference(accepted.request());
            case AnalysisPreparer.Outcome.Rejected rejected -> GenerationPublisher.reply(request.replyTo(),
                    new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, request.requestId(), rejected.error()));
        };
        publisher.sendAll(List.of(out));
    }

    static ProducerRecord<String, String> inference(AnalysisRequest request) {
        return TopicRecords.record(Topics.INFERENCE_ANALYSIS, request.requestId(), request);
    }
}
