package dev.llmplatform.contracts.binary;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.Usage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class StepCodecTest {

    private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    public static TokenStep tokenStep() {
        DecodeContext streamed = new DecodeContext("starter", "1", new ReplyTo("llm.generation.events", 3),
                List.of("\n", "停"), true, 4, 12);
        DecodeContext whole = new DecodeContext("starter", null, new ReplyTo("batch-results", 0), List.of(), false, 0, 7);
        TokenEvent first = new TokenEvent(1, "req-a", 0, List.of(5, 300, 70000), List.of(), List.of(
                new TokenLogprob(5, -0.25, List.of(new TokenLogprob.Alternative(6, -1.5))),
                new TokenLogprob(300, Double.NEGATIVE_INFINITY, List.of()),
                new TokenLogprob(70000, -0.0, List.of())), null, null, null, null, streamed,
                List.of(new TokenLogprob(1, 0, List.of())));
        TokenEvent last = new TokenEvent(1, "req-b", 9, List.of(1, 2), List.of(7, 8), null, FinishReason.LENGTH,
                new Usage(7, 11), new Timings(0.5, 12.25, 99), null, whole, null);
        TokenEvent failed = new TokenEvent(1, "req-c", 0, List.of(), List.of(), null, FinishReason.ERROR,
                new Usage(3, 0), new Timings(0, 0, 0), new ErrorInfo(404, "invalid_request_error", "no model ✗", "model", null),
                streamed, null);
        // The record ends with a nullable string (the error's code): its length must check against exactly what is left.
        TokenEvent notFound = new TokenEvent(1, "req-d", 0, List.of(), List.of(), null, FinishReason.ERROR,
                null, null, ErrorInfo.notFound("no such model", "model"), streamed, null);
        return TokenStep.of(List.of(new TokenStep.Item(first, TRACE, "k=v"), new TokenStep.Item(last, null, null),
                new TokenStep.Item(failed, TRACE, null), new TokenStep.Item(notFound, null, null)));
    }

    public static ReplyStep replyStep() {
        var entries = List.of(new GenerationEvent.LogprobEntry("中", 17, -0.5,
                List.of(new GenerationEvent.LogprobEntry.Alternative("文", 18, -2.0))));
        return ReplyStep.of(List.of(
                new ReplyStep.Item(new GenerationEvent.Delta(1, "a", "你好 🙂", List.of(1, 2), entries, null, 4), TRACE, null),
                new ReplyStep.Item(new GenerationEvent.Delta(1, "b", "", List.of(), null, entries, null), null, null),
                new ReplyStep.Item(new GenerationEvent.Completed(1, "c", "end", List.of(9), null, FinishReason.STOP,
                        new Usage(3, 4), new Timings(1, 2, 3), null, "\n\n"), TRACE, "x=y"),
                new ReplyStep.Item(new GenerationEvent.Failed(1, "d", ErrorInfo.internal("boom")), null, null)));
    }

    @Test
    void shouldReadBackEveryFieldOfATokenStep() {
        TokenStep step = tokenStep();
        byte[] bytes = StepCodec.encode(step);
        assertThat(StepCodec.isBinary(bytes)).isTrue();
        assertThat(StepCodec.decodeTokenStep(bytes)).isEqualTo(step);
    }

    @Test
    void shouldReadBackEveryFieldOfAReplyStep() {
        ReplyStep step = replyStep();
        assertThat(StepCodec.decodeReplyStep(StepCodec.encode(step))).isEqualTo(step);
    }

    @Test
    void shouldBeSmallerThanTheJsonOfItsEvents() {
        TokenStep step = tokenStep();
        int json = step.items().stream().mapToInt(i -> Messages.toJson(i.event()).length()).sum();
        assertThat(StepCodec.encode(step).length).isLessThan(json / 2);
    }

    @Test
    void shouldTellJsonFromBinary() {
        assertThat(StepCodec.isBinary("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(StepCodec.isBinary(new byte[0])).isFalse();
    }

    @Test
    void shouldNameTheRequestsOfARecordWhoseBodyIsCorrupt() {
        byte[] bytes = StepCodec.encode(tokenStep());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 20);
        assertThatThrownBy(() -> StepCodec.decodeTokenStep(truncated)).isInstanceOf(PoisonMessageException.class);
        assertThat(StepCodec.names(truncated)).containsExactly(
                new StepCodec.Named("req-a", new ReplyTo("llm.generation.events", 3)),
                new StepCodec.Named("req-b", new ReplyTo("batch-results", 0)),
                new StepCodec.Named("req-c", new ReplyTo("llm.generation.events", 3)),
                new StepCodec.Named("req-d", new ReplyTo("llm.generation.events", 3)));
        byte[] reply = StepCodec.encode(replyStep());
        reply[reply.length - 3] = (byte) 0xFF;
        assertThat(StepCodec.names(reply)).extracting(StepCodec.Named::requestId).containsExactly("a", "b", "c", "d");
    }

    @Test
    void shouldRefuseANewerVersionTheWrongKindAndGarbageAsPoison() {
        byte[] newer = StepCodec.encode(tokenStep());
        newer[2] = 2;
        assertThatThrownBy(() -> StepCodec.decodeTokenStep(newer)).isInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("schemaVersion 2");
        assertThat(StepCodec.names(newer)).hasSize(4);
        assertThatThrownBy(() -> StepCodec.decodeReplyStep(StepCodec.encode(tokenStep())))
                .isInstanceOf(PoisonMessageException.class);
        byte[] huge = {0, 1, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        assertThatThrownBy(() -> StepCodec.decodeTokenStep(huge)).isInstanceOf(PoisonMessageException.class);
        assertThat(StepCodec.names(huge)).isEmpty();
        assertThat(StepCodec.names(new byte[]{0})).isEmpty();
    }

    @Test
    void shouldRefuseToCarryAnEventThatIsNotPartOfAStream() {
        assertThatThrownBy(() -> ReplyStep.of(List.of(new ReplyStep.Item(
                new GenerationEvent.Detokenized(1, "x", "text"), null, null))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSplitAStepThatWouldNotFitIntoRecordsThatDoInOrder() {
        TokenStep step = tokenStep();
        int whole = StepCodec.encode(step).length;
        assertThat(StepCodec.encodeWithin(step, whole)).hasSize(1);
        List<byte[]> parts = StepCodec.encodeWithin(step, whole - 1);
        assertThat(parts).hasSizeGreaterThan(1).allSatisfy(part -> assertThat(part.length).isLessThan(whole));
        assertThat(parts.stream().flatMap(part -> StepCodec.decodeTokenStep(part).items().stream()).toList())
                .isEqualTo(step.items());
        assertThat(StepCodec.encodeWithin(step, 1)).hasSize(step.items().size());
        ReplyStep replies = replyStep();
        assertThat(StepCodec.encodeWithin(replies, 1).stream()
                .flatMap(part -> StepCodec.decodeReplyStep(part).items().stream()).toList()).isEqualTo(replies.items());
    }
}
