package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.kafka.TraceHeaders;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's thread has no observation in scope: the adapter must put the request's trace on every token event. */
class TokenEventTraceTest extends InferenceServiceTestBase {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    @Test
    void shouldPutTheRequestsTraceIdOnEveryTokenEvent() {
        var request = new ProducerRecord<>(Topics.INFERENCE_REQUESTS.name(), "req-traced",
                Messages.toJson(request("req-traced", "tiny", new int[]{1, 2, 3}, 12)));
        new TraceHeaders("00-" + TRACE_ID + "-b7ad6b7169203331-01", null).addTo(request.headers());
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(request);
            List<TraceHeaders> traces = tracesOf(tokens, "req-traced");
            assertThat(traces).isNotEmpty().allSatisfy(trace -> assertThat(trace.traceId()).isEqualTo(TRACE_ID));
        }
    }

    @Test
    void shouldPutTheTraceOnTheErrorEventOfAnUnknownModel() {
        var request = new ProducerRecord<>(Topics.INFERENCE_REQUESTS.name(), "req-traced-404",
                Messages.toJson(request("req-traced-404", "nope", new int[]{1}, 4)));
        new TraceHeaders("00-" + TRACE_ID + "-b7ad6b7169203331-01", null).addTo(request.headers());
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(request);
            assertThat(tracesOf(tokens, "req-traced-404")).singleElement()
                    .satisfies(trace -> assertThat(trace.traceId()).isEqualTo(TRACE_ID));
        }
    }

    /** The trace carried with each token event of one request, up to and including the last. */
    private static List<TraceHeaders> tracesOf(Consumer<String, byte[]> consumer, String requestId) {
        List<TraceHeaders> traces = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        boolean last = false;
        while (!last && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                for (TokenStep.Item item : itemsOf(record)) {
                    if (requestId.equals(item.event().requestId())) {
                        traces.add(new TraceHeaders(item.traceparent(), item.tracestate()));
                        last |= item.event().isLast();
                    }
                }
            }
        }
        assertThat(last).as("last event of " + requestId).isTrue();
        return traces;
    }
}
