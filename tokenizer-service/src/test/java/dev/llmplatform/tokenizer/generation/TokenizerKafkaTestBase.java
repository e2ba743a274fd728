package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.kafka.health.ListenersHealthIndicator;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.TestTokenizers;
import dev.llmplatform.tokenizer.TokenizerApplication;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import dev.llmplatform.tokenizer.text.IncrementalDecoder;
import dev.llmplatform.topics.TopicSpec;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.binary.StepCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The tokenizer-service against a real (embedded KRaft) broker, with a tiny model package in a temporary store: the
 * set-up and helpers its Kafka tests share (one Spring context and broker for all of them).
 */
@SpringBootTest(classes = TokenizerApplication.class, properties = {
        "spring.config.name=" + TokenizerApplication.CONFIG_NAME,
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "logging.level.kafka=WARN", "logging.level.org.apache.kafka=WARN", "logging.level.state.change.logger=WARN"})
@EmbeddedKafka(brokerProperties = {"group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=1"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TokenizerKafkaTestBase {

    static final int CONTEXT = 64;
    static final ReplyTo REPLY = new ReplyTo(Topics.GENERATION_EVENTS.name(), 3);

    /** Made here, not with @TempDir: the Spring context (and so this method) comes before JUnit fills such fields. */
    @DynamicPropertySource
    static void modelStore(DynamicPropertyRegistry registry) throws IOException {
        Path store = Files.createTempDirectory("tokenizer-store");
        ModelPackageWriter.write(new ModelStore(store), "tiny", "1", "decoder", 0, null, Map.of(), "test", dir -> {
            TestTokenizers.files().write(dir);
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), ModelConfig.llama(1, 2, 2, 8, 16,
                    TestTokenizers.VOCAB_SIZE, CONTEXT, SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, true));
        });
        registry.add("llm.tokenizer.model-store", store::toString);
        // Removed when the JVM ends, not after a class: test classes of the same configuration share this context.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(store)));
    }

    @Autowired
    KafkaTemplate<String, String> template;
    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    HealthEndpoint health;
    @Autowired
    ListenersHealthIndicator listeners;

    final HfTokenizer tokenizer = TestTokenizers.tokenizer();
    OutputTopics output;

    @BeforeAll
    void readOutput() {
        output = new OutputTopics(broker);
    }

    @AfterAll
    void closeOutput() {
        output.close();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // a temporary folder left behind at exit: nothing to do about it
        }
    }
    /** A request's whole generation as one last event. */
    TokenEvent whole(String requestId, int[] ids, ReplyTo replyTo, boolean stream) {
        DecodeContext decode = new DecodeContext("tiny", "1", replyTo, List.of(), stream, 0, 3);
        return new TokenEvent(1, requestId, 0, Arrays.stream(ids).boxed().toList(), List.of(), null, FinishReason.LENGTH,
                new Usage(3, ids.length), null, null, decode, null);
    }

    void sendStep(int partition, String key, byte[] value) {
        try (var producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INFERENCE_TOKENS.name(), partition, key, value));
        }
    }

    /** The binary reply steps the tokenizer wrote to one gateway partition for the step records under {@code key}. */
    List<ReplyStep> replySteps(String key, int partition) {
        output.poll();
        return output.raw(Topics.GENERATION_EVENTS.name()).stream()
                .filter(r -> r.partition() == partition && key.equals(r.key()) && StepCodec.isBinary(r.value()))
                .map(r -> StepCodec.decodeReplyStep(r.value())).toList();
    }

    /** Sends the ids one token per event, each with its context, all to one partition (as keyed records would be). */
    int sendTokenEvents(String requestId, int[] ids, List<String> stop, FinishReason finish, int promptTokens) {
        int contextTokens = IncrementalDecoder.contextTokensFor(stop);
        int partition = Math.floorMod(requestId.hashCode(), Topics.INFERENCE_TOKENS.partitions());
        for (int i = 0; i < ids.length; i++) {
            List<Integer> context = IntStream.range(Math.max(0, i - contextTokens), i).mapToObj(j -> ids[j]).toList();
            boolean last = i == ids.length - 1;
            send(partition, tokenEvent(requestId, i, new int[] {ids[i]}, context, stop, last ? finish : null, promptTokens));
        }
        return partition;
    }

    TokenEvent tokenEvent(String requestId, int offset, int[] tokens, List<Integer> context, List<String> stop,
                                  FinishReason finish, int promptTokens) {
        DecodeContext decode = new DecodeContext("tiny", "1", REPLY, stop, true,
                IncrementalDecoder.contextTokensFor(stop), promptTokens);
        Usage usage = finish == null ? null : new Usage(promptTokens, offset + tokens.length);
        return new TokenEvent(1, requestId, offset, Arrays.stream(tokens).boxed().toList(), context, null, finish,
                usage, null, null, decode, null);
    }

    void send(int partition, TokenEvent event) {
        template.send(Topics.INFERENCE_TOKENS.name(), partition, event.requestId(), Messages.toJson(event));
    }

    static GenerationRequest request(String prompt, List<ChatMessage> messages, int maxTokens, List<String> stop) {
        return new GenerationRequest(1, id(), "tiny", prompt, messages, maxTokens, null, stop, true, REPLY,
                System.currentTimeMillis(), 0, null);
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    String awaitValue(TopicSpec topic, String key) {
        return output.awaitValue(topic.name(), key);
    }

    GenerationEvent reply(String requestId) {
        return Messages.fromJson(awaitReply(requestId).value(), GenerationEvent.class);
    }

    ConsumerRecord<String, String> awaitReply(String requestId) {
        awaitValue(Topics.GENERATION_EVENTS, requestId);
        return recordsOf(Topics.GENERATION_EVENTS, requestId).getFirst();
    }

    /** Waits for a stream's terminal event and returns all its events in order. */
    List<GenerationEvent> awaitEvents(String requestId) {
        awaitValue(Topics.GENERATION_EVENTS, requestId);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            output.poll();
            List<ConsumerRecord<String, String>> records = recordsOf(Topics.GENERATION_EVENTS, requestId);
            return !(Messages.fromJson(records.getLast().value(), GenerationEvent.class) instanceof GenerationEvent.Delta);
        });
        return recordsOf(Topics.GENERATION_EVENTS, requestId).stream()
                .map(r -> Messages.fromJson(r.value(), GenerationEvent.class)).toList();
    }

    List<ConsumerRecord<String, String>> recordsOf(TopicSpec topic, String key) {
        return output.records(topic.name(), key);
    }

    /** The text a stream's events carry, in order. */
    static String streamed(List<GenerationEvent> events) {
        return String.join("", events.stream().map(e -> e instanceof GenerationEvent.Delta d ? d.text()
                : ((GenerationEvent.Completed) e).text()).toList());
    }
}
