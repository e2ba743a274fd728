package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.topics.Topics;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.binary.StepCodec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Poison records on each topic the tokenizer-service reads go to that topic's dead-letter topic, and the records
 * around them are still served; a corrupt step record fails exactly the requests it names.
 */
class PoisonRecordsTest extends TokenizerKafkaTestBase {

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
        String streamed = streamed(events);
        assertThat(streamed).isEqualTo("the model");
        assertThat(events.getFirst()).isInstanceOfSatisfying(GenerationEvent.Delta.class, d -> assertThat(d.offset()).isZero());
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
        assertThat(streamed(unnamed)).isEqualTo("the model");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            output.poll();
            return output.raw(Topics.INFERENCE_TOKENS.deadLetter()).stream()
                    .anyMatch(r -> key.equals(r.key()) && Arrays.equals(r.value(), corrupt));
        });
        assertThat(output.records(Topics.GENERATION_CONTROL.name(), before)).isEmpty();
    }
}
