package dev.llmplatform.tokenizer.generation;

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
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import dev.llmplatform.tokenizer.text.IncrementalDecoder;
import dev.llmplatform.topics.Topics;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.binary.StepCodec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tokenizer-service's generation path over a real broker: requests tokenized (or refused), token streams
 * decoded into whole characters, stop strings, tokenize/detokenize, step records split per gateway partition.
 */
class GenerationServiceTest extends TokenizerKafkaTestBase {

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
        String streamed = streamed(events);
        assertThat(streamed).isEqualTo(kept + "下");
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
}
