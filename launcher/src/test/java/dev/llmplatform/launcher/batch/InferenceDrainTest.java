package dev.llmplatform.launcher.batch;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.inference.generation.ModelEngines;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling restart of the inference-service: its context closes (as on SIGTERM in Kubernetes) while
 * a batch job's requests are generating, and they still end normally, with every token,
 * instead of failing: the engine drains before it stops.
 */
class InferenceDrainTest {

    private static final String MODEL = "drain-random";
    private static final int MAX_TOKENS = 2000;
    private static final int REQUESTS = 16;

    @Test
    void shouldFinishRequestsInFlightWhenTheInferenceServiceShutsDown() throws Exception {
        Path dataDir = Files.createTempDirectory("llm-platform-drain-");
        DefaultModels.writeRandomDecoder(new ModelStore(dataDir.resolve("models")), MODEL, MAX_TOKENS + 64);
        // The default 20 s drain is ample (about 3 s here), but a loaded CI machine must not turn slowness into 503s.
        try (BatchPlatform platform = BatchPlatform.start(dataDir, Map.of("llm.inference.drain-timeout", "120s"))) {
            ReplyTo replyTo = new ReplyTo("drain-results-" + UUID.randomUUID(), 0);
            // EOS banned, so every request runs to max_tokens: a full batch of them takes seconds.
            SamplingParams noEos = new SamplingParams(0, 1, 0, 0, 1, 0, 0, null, Map.of(0, -100.0), null);
            ModelEngines engines = platform.platform().context("inference").getBean(ModelEngines.class);
            try (KafkaConsumer<String, String> replies = platform.consumer(replyTo.topic(), replyTo.partition());
                 KafkaProducer<String, String> producer = platform.producer()) {
                for (int i = 0; i < REQUESTS; i++) {
                    String id = "drain-" + i + "-" + UUID.randomUUID();
                    GenerationRequest request = new GenerationRequest(GenerationRequest.CURRENT_VERSION, id, MODEL,
                            "Once upon a time " + i, null, MAX_TOKENS, noEos, List.of(), false, replyTo,
                            System.currentTimeMillis(), 0, null);
                    producer.send(new ProducerRecord<>(Topics.GENERATION_REQUESTS.name(), id, Messages.toJson(request)));
                }
                producer.flush();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                        .until(() -> engines.stats().values().stream().anyMatch(s -> s.running() == REQUESTS));

                platform.platform().context("inference").close();   // SIGTERM: blocks while the engine drains

                List<GenerationEvent> results = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 30_000;
                while (results.size() < REQUESTS && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, String> record : replies.poll(Duration.ofMillis(200))) {
                        results.add(Messages.fromJson(record.value(), GenerationEvent.class));
                    }
                }
                assertThat(results).hasSize(REQUESTS).allSatisfy(result ->
                        assertThat(result).isInstanceOfSatisfying(GenerationEvent.Completed.class, completed -> {
                            assertThat(completed.finishReason()).isEqualTo(FinishReason.LENGTH);
                            assertThat(completed.usage().completionTokens()).isEqualTo(MAX_TOKENS);
                        }));
            }
        }
    }
}
