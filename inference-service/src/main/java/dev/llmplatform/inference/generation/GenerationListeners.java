package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.Messages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The Kafka side of generation. Requests are shared among the instances of the consumer group;
 * cancels are seen by every instance (a group id of its own, from the latest offset), since only
 * the instance running a request can stop it. Unreadable records throw, and the platform's error
 * handler sends them to {@code <topic>.DLT}.
 */
@Component
public class GenerationListeners {

    public static final String REQUESTS_LISTENER_ID = "inference-requests";
    public static final String CONTROL_LISTENER_ID = "inference-control";
    /** Bean name of the post-processor that sizes the request consumer's polls to the waiting limit. */
    public static final String REQUEST_CONSUMER_LIMITS = "requestConsumerLimits";

    private final GenerationService generation;
    private final RequestBackpressure backpressure;

    public GenerationListeners(GenerationService generation, RequestBackpressure backpressure) {
        this.generation = generation;
        this.backpressure = backpressure;
    }

    @KafkaListener(id = REQUESTS_LISTENER_ID, idIsGroup = false,
            topics = "#{T(dev.llmplatform.topics.Topics).INFERENCE_REQUESTS.name()}",
            containerPostProcessor = REQUEST_CONSUMER_LIMITS)
    public void onRequest(String json) {
        generation.start(Messages.fromJson(json, InferenceRequest.class));
        backpressure.check();
    }

    @KafkaListener(id = CONTROL_LISTENER_ID,
            topics = "#{T(dev.llmplatform.topics.Topics).GENERATION_CONTROL.name()}",
            groupId = "inference-control-${random.uuid}",
            properties = "auto.offset.reset=latest")
    public void onControl(String json) {
        switch (Messages.fromJson(json, ControlMessage.class)) {
            case ControlMessage.Cancel cancel -> generation.cancel(cancel.requestId());
        }
    }
}
