package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.kafka.health.ListenersHealthIndicator;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenizerRequest;
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
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.binary.StepCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tokenizer-service against a real (embedded KRaft) broker, with a tiny model package in a temporary store:
 * generation requests, token streams, and tokenize/detokenize requests.
 */
@SpringBootTest(classes = TokenizerApplication.class, properties = {
        "spring.config.name=" + TokenizerApplication.CONFIG_NAME,
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "logging.level.kafka=WARN", "logging.level.org.apache.kafka=WARN", "logging.level.state.change.logger=WARN"})
@EmbeddedKafka(brokerProperties = {"group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=1"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationServiceTest {

    private static final int CONTEXT = 64;
    private static final ReplyTo REPLY = new ReplyTo(Topics.GENERATION_EVENTS.name(), 3);

    /** Made here, not with @TempDir: the Spring context (and so this method) comes before JUnit fills such fields. */
    private static Path store;

    @DynamicPropertySource
    static void modelStore(DynamicPropertyRegistry registry) throws IOException {
        store = Files.createTempDirectory("tokenizer-store");
        ModelPackageWriter.write(new ModelStore(store), "tiny", "1", "decoder", 0, null, Map.of(), "test", dir -> {
            TestTokenizers.files().write(dir);
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), ModelConfig.llama(1, 2, 2, 8, 16,
                    TestTokenizers.VOCAB_SIZE, CONTEXT, SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, true));
        });
        registry.add("llm.tokenizer.model-store", store::toString);
    }

    @Autowired
    private KafkaTemplate<String, String> template;
    @Autowired
    private EmbeddedKafkaBroker broker;
    @Autowired
    private HealthEndpoint health;
    @Autowired
    private ListenersHealthIndicator listeners;

    private final HfTokenizer tokenizer = TestTokenizers.tokenizer();
    private OutputTopics output;

    @BeforeAll
    void readOutput() {
        output = new OutputTopics(broker);
    }

    @AfterAll
    void cleanUp() throws IOException {
        output.close();
        try (Stream<Path> files = Files.walk(store)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void shouldBeReadyWithItsListenersRunningAndTheBrokerAnswering() {
        assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
        @SuppressWarnings("unchecked")
        Map<String, String> states = (Map<String, String>) listeners.health().getDetails().get("listeners");
        assertThat(states).isNotEmpty().allSatisfy((id, state) -> assertThat(state).startsWith("running"));
    }

    @Test
    void shouldTokenizePromptsAndChatsAndRejectWhatCannotRun() {
        String prompt = "the model learns";
        GenerationRequest plain = request(prompt, null, 1000, List.of("\n\n"));
        GenerationRequest chat = request(null, List.of(new ChatMessage("user", "模型")), 5, List.of());
        GenerationRequest unknown = new GenerationRequest(1, id(), "missing", "hi", null, 5, null, List.of(), true,
                REPLY, 0, 0, null);
        GenerationRequest tooLong = request("the model ".repeat(CONTEXT), null, 5, List.of());
        for (GenerationRequest r : List.of(plain, chat, unknown, tooLong)) {
            template.send(Topics.GENERATION_REQUESTS.name(), r.requestId(), Messages.toJson(r));
        }

        InferenceRequest tokenized = Messages.fromJson(awaitValue(Topics.INFERENCE_REQUESTS, plain.requestId()), InferenceRequest.class);
        int[] promptIds = tokenizer.encode(prompt);
        assertThat(tokenized.promptTokenIds()).containsExactlyElementsOf(Arrays.stream(promptIds).boxed().toList());
        assertThat(tokenized.version()).isEqualTo("1");
        assertThat(tokenized.maxTokens()).isEqualTo(CONTEXT - promptIds.length);
        assertThat(tokenized.stopTokenIds()).containsExactly(SpecialTokens.EOS_ID);
        assertThat(tokenized.decode()).isEqualTo(new DecodeContext("tiny", "1", REPLY, List.of("\n\n"), true,
                IncrementalDecoder.contextTokensFor(List.of("\n\n")), promptIds.length));

        InferenceRequest chatTokens = Messages.fromJson(awaitValue(Topics.INFERENCE_REQUESTS, chat.requestId()), InferenceRequest.class);
        assertThat(tokenizer.decode(chatTokens.promptTokenIds().stream().mapToInt(Integer::intValue).toArray()))
                .isEqualTo("<|im_start|>user\n模型<|im_end|>\n<|im_start|>assistant\n");
        assertThat(chatTokens.promptTokenIds().getFirst()).isEqualTo(SpecialTokens.IM_START_ID);
        assertThat(chatTokens.stopTokenIds()).containsExactly(SpecialTokens.EOS_ID, SpecialTokens.IM_END_ID);

        var notFound = (GenerationEvent.Failed) Messages.fromJson(awaitReply(unknown.requestId()).value(), GenerationEvent.class);
        assertThat(notFound.error().status()).isEqualTo(404);
        var rejected = awaitReply(tooLong.requestId());
        assertThat(rejected.partition()).isEqualTo(REPLY.partition());
        var tooLongError = ((GenerationEvent.Failed) Messages.fromJson(rejected.value(), GenerationEvent.class)).error();
        assertThat(tooLongError.status()).isEqualTo(400);
        assertThat(tooLongError.message()).contains(String.valueOf(CONTEXT), String.valueOf(tokenizer.encode(tooLong.prompt()).length));
    }

    @Test
    void shouldStreamChineseSplitAcrossTokenEventsAsWholeCharacters() {
        String text = "罕见的饕餮与鳄鱼 🐊 the model";
        int[] ids = tokenizer.encode(text);
        assertThat(ids.length).isGreaterThan(text.codePointCount(0, text.length()));   // characters span tokens
        String requestId = id();
        sendTokenEvents(requestId, ids, List.of(), FinishReason.LENGTH, 99);

        List<GenerationEvent> events = awaitEvents(requestId);
        // One event out per token event in, except tokens whose text is held back: no empty Delta is published.
        assertThat(events).hasSizeLessThan(ids.length);
        StringBuilder streamed = new StringBuilder();
        for (GenerationEvent event : events) {
            String piece = event instanceof GenerationEvent.Delta d ? d.text() : ((GenerationEvent.Completed) event).text();
            assertThat(piece).doesNotContain("\uFFFD");
            if (event instanceof GenerationEvent.Delta) {
                assertThat(piece).isNotEmpty();
            }
            streamed.append(piece);
        }
        assertThat(streamed.toString()).isEqualTo(text);
        var completed = (GenerationEvent.Completed) events.getLast();
        assertThat(completed.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(completed.usage()).isEqualTo(new Usage(99, ids.length));
    }

    @Test
    void shouldTruncateAtStopStringCancelTheEngineAndDropLateEvents() {
        String kept = "the model 预测";
        int[] ids = tokenizer.encode(kept + "下一个结束 and then more");
        String requestId = id();
        int partition = sendTokenEvents(requestId, ids, List.of("一个结"), null, 7);

        var cancel = (ControlMessage.Cancel) Messages.fromJson(awaitValue(Topics.GENERATION_CONTROL, requestId),
                ControlMessage.class);
        assertThat(cancel.reason()).isEqualTo(ControlMessage.Reason.STOP_SEQUENCE);

        // A marker stream on the same partition, after the late events: once its reply is in, any reply to the late ones would be too.
        String marker = id();
        send(partition, tokenEvent(marker, 0, new int[] {ids[0]}, List.of(), List.of(), FinishReason.STOP, 1));
        awaitEvents(marker);
        List<GenerationEvent> events = recordsOf(Topics.GENERATION_EVENTS, requestId).stream()
                .map(r -> Messages.fromJson(r.value(), GenerationEvent.class)).toList();
        var completed = (GenerationEvent.Completed) events.getLast();
        assertThat(completed.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(events).filteredOn(e -> e instanceof GenerationEvent.Completed).hasSize(1);
        String streamed = String.join("", events.stream().map(e -> e instanceof GenerationEvent.Delta d ? d.text()
                : ((GenerationEvent.Completed) e).text()).toList());
        assertThat(streamed).isEqualTo(kept + "下");
    }

    @Test
    void shouldDeadLetterPoisonRecordsAndKeepConsuming() {
        String poisonKey = id();
        template.send(Topics.GENERATION_REQUESTS.name(), 0, poisonKey, "{not json");
        GenerationRequest good = request("the model", null, 3, List.of());
        template.send(Topics.GENERATION_REQUESTS.name(), 0, good.requestId(), Messages.toJson(good));

        assertThat(awaitValue(Topics.INFERENCE_REQUESTS, good.requestId())).contains(good.requestId());
        assertThat(output.awaitValue(Topics.GENERATION_REQUESTS.deadLetter(), poisonKey)).isEqualTo("{not json");
    }

    @Test
    void shouldDeadLetterAnUnreadableTokenEventAndDecodeTheEventsAroundIt() {
        String requestId = id();
        int[] ids = tokenizer.encode("the model");
        int partition = Math.floorMod(requestId.hashCode(), Topics.INFERENCE_TOKENS.partitions());
        String poisonKey = id();
        send(partition, tokenEvent(requestId, 0, new int[] {ids[0]}, List.of(), List.of(), null, 3));
        template.send(Topics.INFERENCE_TOKENS.name(), partition, poisonKey, "{not json");
        send(partition, tokenEvent(requestId, 1, Arrays.copyOfRange(ids, 1, ids.length), List.of(ids[0]), List.of(),
                FinishReason.LENGTH, 3));

        List<GenerationEvent> events = awaitEvents(requestId);
        assertThat(output.awaitValue(Topics.INFERENCE_TOKENS.deadLetter(), poisonKey)).isEqualTo("{not json");
        String streamed = String.join("", events.stream().map(e -> e instanceof GenerationEvent.Delta d ? d.text()
                : ((GenerationEvent.Completed) e).text()).toList());
        assertThat(streamed).isEqualTo("the model");
        assertThat(events.getFirst()).isInstanceOfSatisfying(GenerationEvent.Delta.class, d -> assertThat(d.offset()).isZero());
    }

    @Test
    void shouldTokenizeAndDetokenizeRoundTripAndTokenizeChats() {
        String text = "the model 预测 🐊";
        var tokenize = new TokenizerRequest.Tokenize(1, id(), "tiny", text, null, false, REPLY);
        var chat = new TokenizerRequest.Tokenize(1, id(), "tiny:1", null, List.of(new ChatMessage("user", "模型")), false, REPLY);
        var unknown = new TokenizerRequest.Detokenize(1, id(), "missing", List.of(1), REPLY);
        for (TokenizerRequest r : List.of(tokenize, chat, unknown)) {
            template.send(Topics.TOKENIZER_REQUESTS.name(), r.requestId(), Messages.toJson(r));
        }

        var tokenized = (GenerationEvent.Tokenized) reply(tokenize.requestId());
        assertThat(tokenized.tokenIds()).containsExactlyElementsOf(Arrays.stream(tokenizer.encode(text)).boxed().toList());
        assertThat(tokenized.tokens()).containsExactlyElementsOf(tokenized.tokenIds().stream().map(tokenizer::tokenText).toList());
        assertThat(tokenized.tokens()).startsWith("the", " model");
        assertThat(tokenized.maxModelLength()).isEqualTo(CONTEXT);
        var chatTokens = (GenerationEvent.Tokenized) reply(chat.requestId());
        assertThat(String.join("", chatTokens.tokens())).isEqualTo("<|im_start|>user\n模型<|im_end|>\n<|im_start|>assistant\n");
        assertThat(((GenerationEvent.Failed) reply(unknown.requestId())).error().status()).isEqualTo(404);

        var detokenize = new TokenizerRequest.Detokenize(1, id(), "tiny", tokenized.tokenIds(), REPLY);
        template.send(Topics.TOKENIZER_REQUESTS.name(), detokenize.requestId(), Messages.toJson(detokenize));
        assertThat(((GenerationEvent.Detokenized) reply(detokenize.requestId())).text()).isEqualTo(text);
    }

    @Test
    void shouldDeadLetterPoisonTokenizerRequests() {
        String poisonKey = id();
        template.send(Topics.TOKENIZER_REQUESTS.name(), 0, poisonKey, "{\"type\":\"tokenize\",\"schemaVersion\":1}");
        var good = new TokenizerRequest.Detokenize(1, id(), "tiny", List.of(), REPLY);
        template.send(Topics.TOKENIZER_REQUESTS.name(), 0, good.requestId(), Messages.toJson(good));

        assertThat(reply(good.requestId())).isInstanceOf(GenerationEvent.Detokenized.class);
        assertThat(output.awaitValue(Topics.TOKENIZER_REQUESTS.deadLetter(), poisonKey)).contains("tokenize");
    }

    @Test
    void shouldSplitAStepRecordIntoOneReplyStepPerGatewayPartitionAndJsonForACallersTopic() {
        int[] ids = tokenizer.encode("the model 预测");
        String a = id(), b = id(), c = id(), batch = id();
        ReplyTo partition1 = new ReplyTo(Topics.GENERATION_EVENTS.name(), 1);
        ReplyTo partition2 = new ReplyTo(Topics.GENERATION_EVENTS.name(), 2);
        ReplyTo batchTopic = new ReplyTo(Topics.INFERENCE_REQUESTS.name(), 5);   // a caller's own topic, read by OutputTopics
        String trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        TokenStep step = TokenStep.of(List.of(
                new TokenStep.Item(whole(a, ids, partition1, true), trace, null),
                new TokenStep.Item(whole(b, ids, partition2, true), null, null),
                new TokenStep.Item(whole(c, ids, partition1, true), null, null),
                new TokenStep.Item(whole(batch, ids, batchTopic, false), null, null)));
        String key = "inference-" + id();
        sendStep(0, key, StepCodec.encode(step));

        for (String id : List.of(a, b, c)) {
            assertThat(((GenerationEvent.Completed) awaitEvents(id).getLast()).text()).isEqualTo("the model 预测");
        }
        var result = (GenerationEvent.Completed) Messages.fromJson(awaitValue(Topics.INFERENCE_REQUESTS, batch),
                GenerationEvent.class);
        assertThat(result.text()).isEqualTo("the model 预测");
        assertThat(replySteps(key, 1)).singleElement().satisfies(r -> assertThat(r.items())
                .extracting(item -> item.event().requestId()).containsExactly(a, c));
        assertThat(replySteps(key, 2)).singleElement().satisfies(r -> assertThat(r.items())
                .extracting(item -> item.event().requestId()).containsExactly(b));
        assertThat(replySteps(key, 1).getFirst().items().getFirst().traceparent()).isEqualTo(trace);
    }

    @Test
    void shouldDeadLetterAPoisonStepRecordAndFailExactlyTheRequestsItNames() {
        int[] ids = tokenizer.encode("the model");
        String named1 = id(), named2 = id(), before = id(), after = id();
        ReplyTo partition4 = new ReplyTo(Topics.GENERATION_EVENTS.name(), 4);
        byte[] poison = StepCodec.encode(TokenStep.of(List.of(
                new TokenStep.Item(whole(named1, ids, partition4, true), null, null),
                new TokenStep.Item(whole(named2, ids, REPLY, true), null, null))));
        byte[] corrupt = Arrays.copyOf(poison, poison.length - 3);
        String key = "inference-" + id();
        sendStep(1, key, StepCodec.encode(TokenStep.of(List.of(new TokenStep.Item(
                tokenEvent(before, 0, new int[] {ids[0]}, List.of(), List.of(), null, 3), null, null)))));
        sendStep(1, key, corrupt);
        sendStep(1, key, StepCodec.encode(TokenStep.of(List.of(
                new TokenStep.Item(tokenEvent(before, 1, Arrays.copyOfRange(ids, 1, ids.length), List.of(ids[0]), List.of(),
                        FinishReason.LENGTH, 3), null, null),
                new TokenStep.Item(whole(after, ids, partition4, true), null, null)))));

        for (String named : List.of(named1, named2)) {
            assertThat(awaitEvents(named)).singleElement().isInstanceOfSatisfying(GenerationEvent.Failed.class,
                    f -> assertThat(f.error().status()).isEqualTo(502));
            var cancel = (ControlMessage.Cancel) Messages.fromJson(awaitValue(Topics.GENERATION_CONTROL, named), ControlMessage.class);
            assertThat(cancel.requestId()).isEqualTo(named);
        }
        assertThat(((GenerationEvent.Completed) awaitEvents(after).getLast()).text()).isEqualTo("the model");
        List<GenerationEvent> unnamed = awaitEvents(before);
        assertThat(unnamed).noneMatch(e -> e instanceof GenerationEvent.Failed);
        assertThat(String.join("", unnamed.stream().map(e -> e instanceof GenerationEvent.Delta d ? d.text()
                : ((GenerationEvent.Completed) e).text()).toList())).isEqualTo("the model");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            output.poll();
            return output.raw(Topics.INFERENCE_TOKENS.deadLetter()).stream()
                    .anyMatch(r -> key.equals(r.key()) && Arrays.equals(r.value(), corrupt));
        });
        assertThat(output.records(Topics.GENERATION_CONTROL.name(), before)).isEmpty();
    }

    /** A request's whole generation as one last event. */
    private TokenEvent whole(String requestId, int[] ids, ReplyTo replyTo, boolean stream) {
        DecodeContext decode = new DecodeContext("tiny", "1", replyTo, List.of(), stream, 0, 3);
        return new TokenEvent(1, requestId, 0, Arrays.stream(ids).boxed().toList(), List.of(), null, FinishReason.LENGTH,
                new Usage(3, ids.length), null, null, decode, null);
    }

    private void sendStep(int partition, String key, byte[] value) {
        try (var producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INFERENCE_TOKENS.name(), partition, key, value));
        }
    }

    /** The binary reply steps the tokenizer wrote to one gateway partition for the step records under {@code key}. */
    private List<ReplyStep> replySteps(String key, int partition) {
        output.poll();
        return output.raw(Topics.GENERATION_EVENTS.name()).stream()
                .filter(r -> r.partition() == partition && key.equals(r.key()) && StepCodec.isBinary(r.value()))
                .map(r -> StepCodec.decodeReplyStep(r.value())).toList();
    }

    /** Sends the ids one token per event, each with its context, all to one partition (as keyed records would be). */
    private int sendTokenEvents(String requestId, int[] ids, List<String> stop, FinishReason finish, int promptTokens) {
        int contextTokens = IncrementalDecoder.contextTokensFor(stop);
        int partition = Math.floorMod(requestId.hashCode(), Topics.INFERENCE_TOKENS.partitions());
        for (int i = 0; i < ids.length; i++) {
            List<Integer> context = IntStream.range(Math.max(0, i - contextTokens), i).mapToObj(j -> ids[j]).toList();
            boolean last = i == ids.length - 1;
            send(partition, tokenEvent(requestId, i, new int[] {ids[i]}, context, stop, last ? finish : null, promptTokens));
        }
        return partition;
    }

    private TokenEvent tokenEvent(String requestId, int offset, int[] tokens, List<Integer> context, List<String> stop,
                                  FinishReason finish, int promptTokens) {
        DecodeContext decode = new DecodeContext("tiny", "1", REPLY, stop, true,
                IncrementalDecoder.contextTokensFor(stop), promptTokens);
        Usage usage = finish == null ? null : new Usage(promptTokens, offset + tokens.length);
        return new TokenEvent(1, requestId, offset, Arrays.stream(tokens).boxed().toList(), context, null, finish,
                usage, null, null, decode, null);
    }

    private void send(int partition, TokenEvent event) {
        template.send(Topics.INFERENCE_TOKENS.name(), partition, event.requestId(), Messages.toJson(event));
    }

    private static GenerationRequest request(String prompt, List<ChatMessage> messages, int maxTokens, List<String> stop) {
        return new GenerationRequest(1, id(), "tiny", prompt, messages, maxTokens, null, stop, true, REPLY,
                System.currentTimeMillis(), 0, null);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private String awaitValue(TopicSpec topic, String key) {
        return output.awaitValue(topic.name(), key);
    }

    private GenerationEvent reply(String requestId) {
        return Messages.fromJson(awaitReply(requestId).value(), GenerationEvent.class);
    }

    private ConsumerRecord<String, String> awaitReply(String requestId) {
        awaitValue(Topics.GENERATION_EVENTS, requestId);
        return recordsOf(Topics.GENERATION_EVENTS, requestId).getFirst();
    }

    /** Waits for a stream's terminal event and returns all its events in order. */
    private List<GenerationEvent> awaitEvents(String requestId) {
        awaitValue(Topics.GENERATION_EVENTS, requestId);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            output.poll();
            List<ConsumerRecord<String, String>> records = recordsOf(Topics.GENERATION_EVENTS, requestId);
            return !(Messages.fromJson(records.getLast().value(), GenerationEvent.class) instanceof GenerationEvent.Delta);
        });
        return recordsOf(Topics.GENERATION_EVENTS, requestId).stream()
                .map(r -> Messages.fromJson(r.value(), GenerationEvent.class)).toList();
    }

    private List<ConsumerRecord<String, String>> recordsOf(TopicSpec topic, String key) {
        return output.records(topic.name(), key);
    }
}
