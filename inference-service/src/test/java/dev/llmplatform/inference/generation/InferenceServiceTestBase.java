package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.binary.StepCodec;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service against a real in-process KRaft broker, shared by every test class that extends this
 * one (same configuration, so Spring caches one context). Limits are small so that load tests hit
 * them: the "tiny-long" model's KV budget holds 8 requests of 522 tokens, or one of 4002.
 */
@SpringBootTest(classes = InferenceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=" + InferenceApplication.CONFIG_NAME,
                "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "llm.inference.device=cpu",
                "llm.inference.intra-op-threads=1",
                "llm.inference.preload=tiny",
                "llm.inference.max-waiting=8",
                "llm.inference.kv-cache-bytes=1100KB",
                "llm.inference.prefix-cache-bytes=64KB",
                "llm.inference.prefill-chunk-tokens=16",
                "logging.level.kafka=WARN",
                "logging.level.org.apache.kafka=WARN",
                "logging.level.state.change.logger=WARN"})
@EmbeddedKafka(partitions = 1, brokerProperties = {"group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=1"})
abstract class InferenceServiceTestBase {

    private static Path store;

    @Autowired
    protected KafkaTemplate<String, String> kafka;

    @Autowired
    protected EmbeddedKafkaBroker broker;

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void modelStore(DynamicPropertyRegistry registry) throws IOException {
        store = Files.createTempDirectory("inference-store");
        Runtime.getRuntime().addShutdownHook(new Thread(InferenceServiceTestBase::deleteStore));
        writePackage("tiny", TinyLlama.CONFIG);
        // Same weights, long context: generations long enough to cancel half-way or to fill the budget.
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

    private static void deleteStore() {
        try (var files = Files.walk(store)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory; nothing else to do
        }
    }

    static InferenceRequest request(String id, String model, int[] prompt, int maxTokens) {
        List<Integer> promptIds = Arrays.stream(prompt).boxed().toList();
        DecodeContext decode = new DecodeContext(model, "1", new ReplyTo(Topics.GENERATION_EVENTS.name(), 0),
                List.of(), true, 3, prompt.length);
        return new InferenceRequest(InferenceRequest.CURRENT_VERSION, id, model, null, promptIds, maxTokens,
                SamplingParams.greedy(), List.of(), 0, System.currentTimeMillis(), decode, null);
    }

    /** A consumer of every partition of the topic from the start, assigned directly (no group rebalance to wait for). */
    protected Consumer<String, String> consumer(String topic) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "test-" + UUID.randomUUID(), false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Consumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** A consumer of every partition of the token topic from the start (binary step records). */
    protected Consumer<String, byte[]> tokenConsumer() {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "test-" + UUID.randomUUID(), false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Consumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        String topic = Topics.INFERENCE_TOKENS.name();
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** The token events a step record carries, each with its trace. */
    static List<TokenStep.Item> itemsOf(ConsumerRecord<String, byte[]> record) {
        return StepCodec.decodeTokenStep(record.value()).items();
    }

    /** Every token event of one request, up to and including the last. */
    static List<TokenEvent> eventsOf(Consumer<String, byte[]> consumer, String requestId) {
        return eventsOf(consumer, List.of(requestId), Duration.ofSeconds(30)).get(requestId);
    }

    /** Every token event of each request, read until each has its last event (or the time is up). */
    static Map<String, List<TokenEvent>> eventsOf(Consumer<String, byte[]> consumer, Collection<String> requestIds,
                                                  Duration timeout) {
        Map<String, List<TokenEvent>> events = new HashMap<>();
        requestIds.forEach(id -> events.put(id, new ArrayList<>()));
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline && !events.values().stream().allMatch(InferenceServiceTestBase::ended)) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                for (TokenStep.Item item : itemsOf(record)) {
                    List<TokenEvent> list = events.get(item.event().requestId());
                    if (list != null) {
                        list.add(item.event());
                    }
                }
            }
        }
        events.forEach((id, list) -> assertThat(ended(list)).as("last event of " + id).isTrue());
        return events;
    }

    private static boolean ended(List<TokenEvent> events) {
        return !events.isEmpty() && events.getLast().isLast();
    }

    protected String get(String path) {
        return WebClient.create("http://localhost:" + port).get().uri(path)
                .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
    }
}
