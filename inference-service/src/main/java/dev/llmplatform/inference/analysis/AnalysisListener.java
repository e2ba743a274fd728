package dev.llmplatform.inference.analysis;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.topics.Topics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The Kafka side of analysis: requests shared among the instances of the service, each
 * answered on its own reply partition. Unreadable records throw
 * {@link dev.llmplatform.contracts.PoisonMessageException} and the platform's error handler sends
 * them to {@code llm.inference.analysis.DLT}; a failed publish is retried by that handler.
 */
@Component
class AnalysisListener {

    static final String LISTENER_ID = "inference-analysis";

    private final AnalysisService service;
    private final AnalysisReplyPublisher publisher;

    AnalysisListener(AnalysisService service, AnalysisReplyPublisher publisher) {
        this.service = service;
        this.publisher = publisher;
    }

    /** A group of its own, so its rebalances never pause the generation requests' consumer. */
    @KafkaListener(id = LISTENER_ID, groupId = "${spring.kafka.consumer.group-id:inference-service}-analysis",
            topics = Topics.INFERENCE_ANALYSIS_NAME)
    void onRequest(String json) {
        AnalysisRequest request = Topics.INFERENCE_ANALYSIS.decode(json);
        service.answer(request).ifPresent(answer -> publisher.send(request.replyTo(), answer));
    }
}
