package dev.llmplatform.launcher.batch;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch job with no gateway: GenerationRequests with {@code stream=false} produced straight to
 * {@code llm.generation.requests}, naming a reply topic of the job's own (auto-created by the
 * in-process broker). Exactly one result per request must arrive there, bad input included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaBatchJobTest {

    private static final int REQUESTS = 300;
    private static final int MAX_TOKENS = 4;
    private static final String[] PROMPTS = {"Once upon a time", "The model", "She said", "猫", "In the morning"};

    private BatchPlatform platform;

    @BeforeAll
    void startPlatform() {
        platform = BatchPlatform.start(Map.of());
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldAnswerEveryRequestOfTheJobWithExactlyOneResultOnItsReplyTopic() {
        ReplyTo replyTo = new ReplyTo("batch-results-" + UUID.randomUUID(), 0);
        Map<String, Integer> expectedFailures = new HashMap<>();   // request id → HTTP status its Failed carries
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String id = "job-" + i + "-" + UUID.randomUUID();
            String model = DefaultModels.DEFAULT_MODEL;
            String prompt = PROMPTS[i % PROMPTS.length];
            if (i % 100 == 7) {
                model = "no-such-model";
                expectedFailures.put(id, 404);
            } else if (i % 100 == 42) {
                prompt = "";
                expectedFailures.put(id, 400);
            } else if (i % 100 == 77) {
                prompt = "the cat sat on the mat and ".repeat(100);   // far past the 128-token context
                expectedFailures.put(id, 400);
            }
            requests.add(new GenerationRequest(GenerationRequest.CURRENT_VERSION, id, model, prompt, null, MAX_TOKENS,
                    SamplingParams.greedy(), i % 10 == 3 ? List.of(" ") : List.of(), false, replyTo,
                    System.currentTimeMillis(), 0, null));
        }
        String poisonKey = "poison-" + UUID.randomUUID();

        Map<String, List<GenerationEvent>> results = new HashMap<>();
        try (KafkaConsumer<String, String> replies = platform.consumer(replyTo.topic(), replyTo.partition());
             KafkaConsumer<String, String> deadLetters = platform.consumer(Topics.GENERATION_REQUESTS.deadLetter(), 0);
             KafkaProducer<String, String> producer = platform.producer()) {
            producer.send(new ProducerRecord<>(Topics.GENERATION_REQUESTS.name(), poisonKey, "{\"requestId\":"));
            for (GenerationRequest request : requests) {
                producer.send(new ProducerRecord<>(Topics.GENERATION_REQUESTS.name(), request.requestId(),
                        Messages.toJson(request)));
            }
            producer.flush();

            long deadline = System.currentTimeMillis() + 60_000;
            while (results.size() < REQUESTS && System.currentTimeMillis() < deadline) {
                collect(replies, results, Duration.ofMillis(200));
            }
            collect(replies, results, Duration.ofSeconds(2));   // a duplicate would show up by now
            assertThat(deadLettered(deadLetters, poisonKey)).as("the poison record is dead-lettered").isTrue();
        }

        assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(requests.stream().map(GenerationRequest::requestId).toList());
        results.forEach((id, events) -> {
            assertThat(events).as("results of " + id).hasSize(1);
            GenerationEvent only = events.getFirst();
            Integer status = expectedFailures.get(id);
            if (status != null) {
                assertThat(only).isInstanceOfSatisfying(GenerationEvent.Failed.class,
                        failed -> assertThat(failed.error().status()).as(id).isEqualTo(status));
            } else {
                assertThat(only).as(id).isInstanceOfSatisfying(GenerationEvent.Completed.class, completed -> {
                    assertThat(completed.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
                    assertThat(completed.usage().completionTokens()).isBetween(1, MAX_TOKENS);
                    assertThat(completed.tokenIds().size()).isLessThanOrEqualTo(completed.usage().completionTokens());
                    assertThat(completed.usage().promptTokens()).isPositive();
                });
            }
        });
        assertThat(results.values().stream().filter(e -> e.getFirst() instanceof GenerationEvent.Failed))
                .hasSize(expectedFailures.size());
    }

    private static void collect(KafkaConsumer<String, String> replies, Map<String, List<GenerationEvent>> results,
                                Duration poll) {
        for (ConsumerRecord<String, String> record : replies.poll(poll)) {
            GenerationEvent event = Messages.fromJson(record.value(), GenerationEvent.class);
            assertThat(record.key()).isEqualTo(event.requestId());
            results.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(event);
        }
    }

    private static boolean deadLettered(KafkaConsumer<String, String> deadLetters, String key) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> record : deadLetters.poll(Duration.ofMillis(200))) {
                if (key.equals(record.key())) {
                    return true;
                }
            }
        }
        return false;
    }
}
