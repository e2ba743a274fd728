package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Heartbeat;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway that beat on {@code llm.heartbeats} and then fell silent: the generation replying to its partition
 * is cancelled within the orphan timeout (5 s), while one replying to a partition never heard from runs on.
 */
class OrphansKafkaServiceTest extends InferenceServiceTestBase {

    /** A partition no other test's requests reply to: once dead here, it stays dead for this context. */
    private static final int DEAD_PARTITION = 7;

    @Autowired
    MeterRegistry meters;

    @Test
    void shouldCancelTheGenerationOfAGatewayThatFellSilentWithinTheTimeout() throws Exception {
        double before = meters.counter("llm.inference.orphans.cancelled").count();
        for (int i = 0; i < 8; i++) {
            kafka.send(Topics.HEARTBEATS.name(), "gateway-7-test", Messages.toJson(new Heartbeat(
                    Heartbeat.CURRENT_VERSION, "gateway-7-test", DEAD_PARTITION, System.currentTimeMillis())));
            Thread.sleep(250);
        }
        long silentSince = System.currentTimeMillis();
        Thread.sleep(4_000);   // most of the timeout passes before the request even starts: a short test
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(Topics.INFERENCE_REQUESTS.name(), "orphan", Messages.toJson(replyingTo("orphan", DEAD_PARTITION, 4000)));
            kafka.send(Topics.INFERENCE_REQUESTS.name(), "unjudged", Messages.toJson(replyingTo("unjudged", 5, 200)));

            Map<String, List<TokenEvent>> events = eventsOf(tokens, List.of("orphan", "unjudged"), Duration.ofSeconds(60));
            long cancelledAfter = System.currentTimeMillis() - silentSince;

            TokenEvent orphan = events.get("orphan").getLast();
            assertThat(orphan.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(orphan.usage().completionTokens()).isLessThan(4000);
            assertThat(cancelledAfter).as("ms from the last heartbeat to the cancel").isLessThan(9_000);
            assertThat(events.get("unjudged").getLast().finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(meters.counter("llm.inference.orphans.cancelled").count() - before).isEqualTo(1.0);
        }
    }

    private static InferenceRequest replyingTo(String id, int partition, int maxTokens) {
        InferenceRequest base = request(id, "tiny-long", new int[]{1, 2}, maxTokens);
        DecodeContext decode = base.decode();
        return new InferenceRequest(base.schemaVersion(), id, base.model(), base.version(), base.promptTokenIds(),
                maxTokens, base.sampling(), base.stopTokenIds(), 0, base.createdEpochMs(),
                new DecodeContext(decode.model(), decode.version(), new ReplyTo(Topics.GENERATION_EVENTS.name(), partition),
                        decode.stop(), decode.stream(), decode.contextTokens(), decode.promptTokens()), null, null);
    }
}
