package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.kafka.TraceCapture;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * The Kafka side of generation. Requests are shared among the instances of the consumer group;
 * cancels are seen by every instance (a group id of its own, from the latest offset), since only
 * the instance running a request can stop it. Unreadable records throw, and the platform's error
 * handler sends them to {@code <topic>.DLT}. A request's trace context is taken as it is consumed (the
 * listener observation's span) and goes on every token event of it: those are sent later, from the
 * publisher thread, where no observation is in scope.
 */
@Component
public class GenerationListeners {

    public static final String REQUESTS_LISTENER_ID = "inference-requests";
    public static final String CONTROL_LISTENER_ID = "inference-control";
    /** Bean name of the post-processor that sizes the request consumer's polls to the waiting limit. */
    public static final String REQUEST_CONSUMER_LIMITS = "requestConsumerLimits";

    private final GenerationService generation;
    private final RequestBackpressure backpressure;
    private final TraceCapture traces;
    private final RequestOffsets offsets;

    public GenerationListeners(GenerationService generation, RequestBackpressure backpressure, TraceCapture traces,
                               RequestOffsets offsets) {
        this.generation = generation;
        this.backpressure = backpressure;
        this.traces = traces;
        this.offsets = offsets;
    }

    @KafkaListener(id = REQUESTS_LISTENER_ID, idIsGroup = false,
            topics = Topics.INFERENCE_REQUESTS_NAME,
            containerPostProcessor = REQUEST_CONSUMER_LIMITS)
    public void onRequest(ConsumerRecord<String, String> record, Acknowledgment ack) {
        InferenceRequest request = Topics.INFERENCE_REQUESTS.decode(record.value());
        // Committed when the request has finished (RequestOffsets): a replica that dies leaves it to be run again.
        offsets.received(new TopicPartition(record.topic(), record.partition()), record.offset(), request.requestId(),
                ack::acknowledge);
        generation.start(request, traces.capture(record.headers()));
        backpressure.check();
    }

    @KafkaListener(id = CONTROL_LISTENER_ID,
            topics = Topics.GENERATION_CONTROL_NAME,
            groupId = "inference-control-${random.uuid}",
            properties = "auto.offset.reset=latest")
    public void onControl(String json) {
        switch (Topics.GENERATION_CONTROL.decode(json)) {
            case ControlMessage.Cancel cancel -> generation.cancel(cancel.requestId(), cancel.afterTokens());
        }
    }
}
