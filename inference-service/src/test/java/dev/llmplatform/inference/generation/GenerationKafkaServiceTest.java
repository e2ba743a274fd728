package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.InferenceApplication;
import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service against a real in-process KRaft broker: requests in on {@code llm.inference.requests},
 * token events out on {@code llm.inference.tokens}, poison records to the dead-letter topic.
 */
@SpringBootTest(classes = InferenceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=" + InferenceApplication.CONFIG_NAME,
                "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "llm.inference.device=cpu",
                "llm.inference.intra-op-threads=1",
                "llm.inference.preload=tiny",
                "logging.level.kafka=WARN",
                "logging.level.org.apache.kafka=WARN",
                "logging.level.state.change.logger=WARN"})
@EmbeddedKafka(partitions = 1, brokerProperties = {"group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=1"})
class GenerationKafkaServiceTest {

    private static Path store;

    @Autowired
    private KafkaTemplate<String, String> kafka;

    @Autowired
    private EmbeddedKafkaBroker broker;

    @Autowired
    private KafkaListenerEndpointRegistry registry;

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void modelStore(DynamicPropertyRegistry registry) throws IOException {
        store = Files.createTempDirectory("inference-store");
        writePackage("tiny", TinyLlama.CONFIG);
        // Same weights, long context: a generation long enough to be cancelled half-way.
        writePackage("tiny-long", ModelConfig.llama(2, 4, 2, 32, 64, 64, 4096, 0, 0, false));
        registry.add("llm.inference.model-store", store::toString);
    }

    private static void writePackage(String name, ModelConfig config) {
        LlamaWeights weights = RandomLlama.create(config, 7);
        ModelPackageWriter.write(new ModelStore(store), name, "1", "decoder", config.parameterCount(),
                null, Map.of(), "tiny random test model", dir -> {
                    LlamaOnnxWriter.write(weights, dir.resolve(ModelPackage.MODEL), LlamaOnnxWriter.Options.DEFAULT);
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), config);
                });
    }

    @AfterAll
    static void deleteStore() throws IOException {
        try (var files = Files.walk(store)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static InferenceRequest request(String id, String model, int[] prompt, int maxTokens) {
        List<Integer> promptIds = Arrays.stream(prompt).boxed().toList();
        DecodeContext decode = new DecodeContext(model, "1", new ReplyTo(Topics.GENERATION_EVENTS.name(), 0),
                List.of(), true, 3, prompt.length);
        return new InferenceRequest(InferenceRequest.CURRENT_VERSION, id, model, null, promptIds, maxTokens,
                SamplingParams.greedy(), List.of(), 0, System.currentTimeMillis(), decode);
    }

    /** A consumer of every partition of the topic from the start, assigned directly (no group rebalance to wait for). */
    private Consumer<String, String> consumer(String topic) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "test-" + UUID.randomUUID(), false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Consumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Every token event of one request, up to and including the last. */
    private static List<TokenEvent> eventsOf(Consumer<String, String> consumer, String requestId) {
        List<TokenEvent> events = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && (events.isEmpty() || !events.getLast().isLast())) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                if (requestId.equals(record.key())) {
                    events.add(Messages.fromJson(record.value(), TokenEvent.class));
                }
            }
        }
        assertThat(events).as("events of " + requestId).isNotEmpty();
        assertThat(events.getLast().isLast()).isTrue();
        return events;
    }

    @Test
    void shouldStreamTokenEventsInOrderEndingWithTheFinishReason() {
        int[] prompt = {1, 2, 3};
        try (Consumer<String, String> tokens = consumer(Topics.INFERENCE_TOKENS.name())) {
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
    void shouldAnswerAnUnknownModelWithA404ErrorEvent() {
        try (Consumer<String, String> tokens = consumer(Topics.INFERENCE_TOKENS.name())) {
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
             Consumer<String, String> tokens = consumer(Topics.INFERENCE_TOKENS.name())) {
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
        try (Consumer<String, String> tokens = consumer(Topics.INFERENCE_TOKENS.name())) {
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

    private static void awaitFirstEvent(Consumer<String, String> consumer, String requestId) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                if (requestId.equals(record.key())) {
                    consumer.seekToBeginning(consumer.assignment());
                    return;
                }
            }
        }
        throw new AssertionError("no event of " + requestId);
    }

    @Test
    void shouldReportUpWithTheLoadedModel() {
        String health = WebClient.create("http://localhost:" + port).get().uri("/actuator/health/generation")
                .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
        assertThat(health).contains("\"status\":\"UP\"").contains("tiny:1");
    }
}
