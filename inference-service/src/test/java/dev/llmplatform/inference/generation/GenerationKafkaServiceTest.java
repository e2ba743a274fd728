package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.kafka.test.utils.KafkaTestUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests in on {@code llm.inference.requests}, token events out on {@code llm.inference.tokens},
 * cancels on the control topic, poison records to the dead-letter topic.
 */
class GenerationKafkaServiceTest extends InferenceServiceTestBase {

    @Autowired
    private KafkaListenerEndpointRegistry registry;

    @Test
    void shouldStreamTokenEventsInOrderEndingWithTheFinishReason() {
        int[] prompt = {1, 2, 3};
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(Topics.INFERENCE_REQUESTS.name(), "req-1", Messages.toJson(request("req-1", "tiny", prompt, 8)));
            List<TokenEvent> events = eventsOf(tokens, "req-1");

            List<Integer> generated = new ArrayList<>();
            for (TokenEvent event : events) {
                assertThat(event.offset()).isEqualTo(generated.size());
                List<Integer> expectedContext = generated.subList(Math.max(0, generated.size() - 3), generated.size());
                assertThat(event.contextTokenIds()).isEqualTo(expectedContext);
                assertThat(event.decode().model()).isEqualTo("tiny");
                generated.addAll(event.tokenIds());
            }
            assertThat(events.subList(0, events.size() - 1)).noneMatch(TokenEvent::isLast);
            assertThat(generated).isEqualTo(TinyLlama.greedyByRecomputation(prompt, 8));
            TokenEvent last = events.getLast();
            assertThat(last.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(last.usage()).isEqualTo(new Usage(3, 8));
            assertThat(last.timings().totalMs()).isPositive();
            assertThat(last.error()).isNull();
        }
    }

    @Test
    void shouldSendANonStreamedRequestAsOneLastEventWithEveryToken() {
        int[] prompt = {4, 5, 6};
        InferenceRequest streamed = request("req-whole", "tiny", prompt, 8);
        InferenceRequest whole = new InferenceRequest(streamed.schemaVersion(), streamed.requestId(), streamed.model(),
                streamed.version(), streamed.promptTokenIds(), streamed.maxTokens(), streamed.sampling(),
                streamed.stopTokenIds(), 0, streamed.createdEpochMs(), new DecodeContext("tiny", "1",
                new ReplyTo("batch-results", 0), List.of(), false, 3, prompt.length), null);
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(Topics.INFERENCE_REQUESTS.name(), "req-whole", Messages.toJson(whole));
            assertThat(eventsOf(tokens, "req-whole")).singleElement().satisfies(event -> {
                assertThat(event.offset()).isZero();
                assertThat(event.contextTokenIds()).isEmpty();
                assertThat(event.tokenIds()).isEqualTo(TinyLlama.greedyByRecomputation(prompt, 8));
                assertThat(event.finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(event.usage()).isEqualTo(new Usage(3, 8));
                assertThat(event.decode().stream()).isFalse();
            });
        }
    }

    @Test
    void shouldAnswerAnUnknownModelWithA404ErrorEvent() {
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(Topics.INFERENCE_REQUESTS.name(), "req-404", Messages.toJson(request("req-404", "nope", new int[]{1}, 4)));
            TokenEvent only = eventsOf(tokens, "req-404").getLast();
            assertThat(only.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(only.error().status()).isEqualTo(404);
            assertThat(only.tokenIds()).isEmpty();
        }
    }

    @Test
    void shouldDeadLetterAPoisonRecordAndKeepConsuming() {
        String deadLetters = Topics.INFERENCE_REQUESTS.deadLetter();
        try (Consumer<String, String> dlt = consumer(deadLetters);
             Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(Topics.INFERENCE_REQUESTS.name(), "poison", "{\"schemaVersion\":1,\"requestId\":\"poison\"");
            ConsumerRecord<String, String> dead = KafkaTestUtils.getSingleRecord(dlt, deadLetters, Duration.ofSeconds(30));
            assertThat(dead.key()).isEqualTo("poison");
            assertThat(dead.headers().lastHeader("kafka_dlt-exception-message")).isNotNull();

            kafka.send(Topics.INFERENCE_REQUESTS.name(), "after-poison",
                    Messages.toJson(request("after-poison", "tiny", new int[]{7, 8}, 3)));
            assertThat(eventsOf(tokens, "after-poison").getLast().finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void shouldStopARunningGenerationWhenACancelArrives() {
        ContainerTestUtils.waitForAssignment(registry.getListenerContainer(GenerationListeners.CONTROL_LISTENER_ID),
                Topics.GENERATION_CONTROL.partitions());
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(Topics.INFERENCE_REQUESTS.name(), "req-cancel",
                    Messages.toJson(request("req-cancel", "tiny-long", new int[]{1, 2}, 4000)));
            awaitFirstEvent(tokens, "req-cancel");
            kafka.send(Topics.GENERATION_CONTROL.name(), "req-cancel",
                    Messages.toJson(ControlMessage.Cancel.of("req-cancel", ControlMessage.Reason.CLIENT)));
            TokenEvent last = eventsOf(tokens, "req-cancel").getLast();
            assertThat(last.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(last.usage().completionTokens()).isPositive().isLessThan(4000);
        }
    }

    private static void awaitFirstEvent(Consumer<String, byte[]> consumer, String requestId) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (itemsOf(record).stream().anyMatch(item -> requestId.equals(item.event().requestId()))) {
                    consumer.seekToBeginning(consumer.assignment());
                    return;
                }
            }
        }
        throw new AssertionError("no event of " + requestId);
    }

    @Test
    void shouldReportUpWithTheLoadedModel() {
        assertThat(get("/actuator/health/generation")).contains("\"status\":\"UP\"").contains("tiny:1");
    }
}
