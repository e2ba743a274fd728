package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.contracts.Usage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler and engine loop against a toy model whose next token depends on each sequence's
 * whole cached history. Steps are driven by hand (the engine thread is not started) so every
 * interleaving is exact.
 */
class InferenceEngineSchedulingTest {

    private static final int VOCAB = 97;
    private static final int CONTEXT = 64;

    private final ToyDecoder decoder = new ToyDecoder(VOCAB, CONTEXT);
    private final RecordingSink sink = new RecordingSink();

    private InferenceEngine engine(int maxBatch, long kvBytes, int prefillChunk) {
        return new InferenceEngine("toy", decoder, new EngineSettings(maxBatch, kvBytes, 8, prefillChunk), sink);
    }

    private static void steps(InferenceEngine engine, int count) {
        for (int i = 0; i < count; i++) {
            engine.runStep();
        }
    }

    @Test
    void shouldStopAtMaxTokensWithFinishReasonLength() {
        InferenceEngine engine = engine(4, 1 << 20, 0);
        int[] prompt = {5, 6, 7};
        engine.submit(EngineRequest.greedy("a", prompt, 6));
        steps(engine, 10);
        assertThat(sink.tokens("a")).isEqualTo(ToyDecoder.expected(prompt, 6, VOCAB));
        assertThat(sink.finish("a").reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(sink.finish("a").usage()).isEqualTo(new Usage(3, 6));
        assertThat(sink.finish("a").error()).isNull();
    }

    @Test
    void shouldStopAtAStopTokenWithoutEmittingIt() {
        InferenceEngine engine = engine(4, 1 << 20, 0);
        int[] prompt = {1, 2};
        List<Integer> free = ToyDecoder.expected(prompt, 10, VOCAB);
        int eos = free.get(3);
        int firstEos = free.indexOf(eos);
        engine.submit(EngineRequest.greedy("a", prompt, 10, eos));
        steps(engine, 12);
        assertThat(sink.tokens("a")).isEqualTo(free.subList(0, firstEos));
        assertThat(sink.finish("a").reason()).isEqualTo(FinishReason.STOP);
        assertThat(sink.finish("a").usage().completionTokens()).isEqualTo(firstEos + 1);
    }

    @Test
    void shouldStopAtTheContextLengthWithFinishReasonLength() {
        InferenceEngine engine = engine(4, 1 << 20, 0);
        int[] prompt = new int[CONTEXT - 3];
        engine.submit(EngineRequest.greedy("a", prompt, 100));
        steps(engine, 10);
        assertThat(sink.tokens("a")).hasSize(3);
        assertThat(sink.finish("a").reason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void shouldFreeTheSlotOfACancelledSequenceAtTheNextStep() {
        InferenceEngine engine = engine(1, 1 << 20, 0);
        engine.submit(EngineRequest.greedy("a", new int[]{1}, 50));
        engine.submit(EngineRequest.greedy("b", new int[]{2}, 3));
        steps(engine, 3);
        // The step that prefills a sequence also decodes its first token: two tokens in step one.
        assertThat(sink.tokens("a")).hasSize(4);
        assertThat(sink.tokens("b")).isEmpty();
        assertThat(engine.stats().waiting()).isEqualTo(1);

        engine.cancel("a");
        engine.runStep();
        assertThat(sink.finish("a").reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(sink.finish("a").usage().completionTokens()).isEqualTo(4);
        assertThat(sink.tokens("b")).hasSize(2);
        steps(engine, 2);
        assertThat(sink.finish("b").reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(engine.stats().kvReservedBytes()).isZero();
    }

    @Test
    void shouldAdmitOnlyWhatTheKvBudgetHolds() {
        // 8 bytes per token; the budget holds one sequence of 1 + 10 tokens, not two.
        InferenceEngine engine = engine(8, 8 * 15, 0);
        engine.submit(EngineRequest.greedy("a", new int[]{1}, 10));
        engine.submit(EngineRequest.greedy("b", new int[]{2}, 10));
        engine.runStep();
        assertThat(engine.stats().running()).isEqualTo(1);
        assertThat(engine.stats().waiting()).isEqualTo(1);
        steps(engine, 9);
        assertThat(sink.finish("a").reason()).isEqualTo(FinishReason.LENGTH);
        steps(engine, 10);
        assertThat(sink.tokens("b")).isEqualTo(ToyDecoder.expected(new int[]{2}, 10, VOCAB));
        assertThat(decoder.batchSizes).allMatch(size -> size == 1);
    }

    @Test
    void shouldRefuseARequestTheBudgetCouldNeverHold() {
        InferenceEngine engine = engine(8, 8 * 15, 0);
        engine.submit(EngineRequest.greedy("big", new int[]{1}, 30));
        assertThat(sink.finish("big").reason()).isEqualTo(FinishReason.ERROR);
        assertThat(sink.finish("big").error().status()).isEqualTo(400);
    }

    @Test
    void shouldRefuseInvalidRequestsAtOnce() {
        InferenceEngine engine = engine(4, 1 << 20, 0);
        engine.submit(EngineRequest.greedy("vocab", new int[]{VOCAB}, 3));
        engine.submit(EngineRequest.greedy("context", new int[CONTEXT], 3));
        SamplingParams badTopP = new SamplingParams(1, 1.5, 0, 0, 1, 0, 0, null, Map.of(), null);
        engine.submit(new EngineRequest("topp", new int[]{1}, 3, badTopP, null, 0));
        for (String id : List.of("vocab", "context", "topp")) {
            assertThat(sink.finish(id).reason()).isEqualTo(FinishReason.ERROR);
            assertThat(sink.finish(id).error().status()).isEqualTo(400);
        }
        assertThat(sink.finish("topp").error().param()).isEqualTo("top_p");
    }

    @Test
    void shouldRefuseRequestsBeyondTheWaitingLimitAndReportSaturationAtHalfOfIt() {
        InferenceEngine engine = new InferenceEngine("toy", decoder, new EngineSettings(4, 1 << 20, 4, 0), sink);
        engine.submit(EngineRequest.greedy("a", new int[]{1}, 3));
        assertThat(engine.isSaturated()).isFalse();
        engine.submit(EngineRequest.greedy("b", new int[]{1}, 3));
        assertThat(engine.isSaturated()).isTrue();
        engine.submit(EngineRequest.greedy("c", new int[]{1}, 3));
        engine.submit(EngineRequest.greedy("d", new int[]{1}, 3));
        engine.submit(EngineRequest.greedy("e", new int[]{1}, 3));
        assertThat(sink.finish("e").error().status()).isEqualTo(503);
        assertThat(sink.finished("a", "b", "c", "d")).isFalse();
        engine.runStep();
        assertThat(engine.isSaturated()).isFalse();
        assertThat(engine.stats().running()).isEqualTo(4);
    }

    @Test
    void shouldGenerateThroughStopTokensWithIgnoreEos() {
        InferenceEngine engine = engine(4, 1 << 20, 0);
        int[] prompt = {1, 2};
        List<Integer> free = ToyDecoder.expected(prompt, 10, VOCAB);
        int eos = free.get(3);
        SamplingParams ignoreEos = new SamplingParams(0, 1, 0, 0, 1, 0, 0, null, Map.of(), null, 0, true);
        engine.submit(new EngineRequest("a", prompt, 10, ignoreEos, new int[]{eos}, 0));
        steps(engine, 12);
        assertThat(sink.tokens("a")).isEqualTo(free);
        assertThat(sink.finish("a").reason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void shouldNotPickAStopTokenBeforeMinTokens() {
        InferenceEngine engine = engine(4, 1 << 20, 0);
        int[] prompt = {1, 2};
        List<Integer> free = ToyDecoder.expected(prompt, 10, VOCAB);
        int eos = free.getFirst();   // greedy would stop at once
        SamplingParams minFive = new SamplingParams(0, 1, 0, 0, 1, 0, 0, null, Map.of(), null, 5, false);
        engine.submit(new EngineRequest("a", prompt, 10, minFive, new int[]{eos}, 0));
        steps(engine, 12);
        assertThat(sink.tokens("a")).hasSizeGreaterThanOrEqualTo(5);
        assertThat(sink.tokens("a").subList(0, 5)).doesNotContain(eos);
        assertThat(sink.finished("a")).isTrue();
    }

    @Test
    void shouldCancelARunningSequenceWithATimeoutErrorAtItsDeadline() throws InterruptedException {
        InferenceEngine engine = engine(4, 1 << 20, 0);
        long soon = System.currentTimeMillis() + 30;
        engine.submit(new EngineRequest("late", new int[]{1}, 50, SamplingParams.greedy(), null, soon));
        steps(engine, 2);
        Thread.sleep(40);
        engine.runStep();
        assertThat(sink.finish("late").reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(sink.finish("late").error().status()).isEqualTo(408);
        assertThat(sink.tokens("late")).hasSize(3);
    }

    @Test
    void shouldFailAWaitingRequestThatCannotBeAdmittedBeforeItsDeadline() {
        // The budget holds one sequence of 1 + 10 tokens; "b" waits behind "a" and its deadline passes.
        InferenceEngine engine = engine(8, 8 * 15, 0);
        engine.submit(EngineRequest.greedy("a", new int[]{1}, 10));
        engine.runStep();
        long past = System.currentTimeMillis() - 1;
        engine.submit(new EngineRequest("b", new int[]{2}, 10, SamplingParams.greedy(), null, past));
        engine.runStep();
        RecordingSink.Finish b = sink.finish("b");
        assertThat(b.reason()).isEqualTo(FinishReason.ERROR);
        assertThat(b.error().status()).isEqualTo(503);
        assertThat(b.error().code()).isEqualTo("queue_timeout");
        assertThat(b.error().message()).contains("not admitted before its deadline").contains("KV cache");
        assertThat(sink.tokens("b")).isEmpty();
        assertThat(sink.finished("a")).isFalse();
    }

    @Test
    void shouldHonourACancelThatArrivesBeforeItsRequest() {
        InferenceEngine engine = engine(4, 1 << 20, 0);
        engine.cancel("early");
        engine.runStep();
        engine.submit(EngineRequest.greedy("early", new int[]{1}, 5));
        engine.runStep();
        assertThat(sink.finish("early").reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(sink.tokens("early")).isEmpty();
    }

    @Test
    void shouldStopARerunWhereTheStopStringWasNotAtOnceWhenItsStopCancelCameFirst() {
        InferenceEngine engine = engine(4, 1 << 20, 0);
        // The first run (on a replica that died) had its stop string found in its first 4 tokens.
        engine.cancel("rerun", 4);
        engine.runStep();
        int[] prompt = {1, 2};
        engine.submit(EngineRequest.greedy("rerun", prompt, 20));
        steps(engine, 10);
        assertThat(sink.tokens("rerun")).isEqualTo(ToyDecoder.expected(prompt, 4, VOCAB));
        assertThat(sink.finish("rerun").reason()).isEqualTo(FinishReason.CANCELLED);

        // A running request whose stop cancel lags behind stops at once, as before.
        engine.submit(EngineRequest.greedy("late", prompt, 20));
        steps(engine, 6);
        engine.cancel("late", 2);
        engine.runStep();
        assertThat(sink.finish("late").reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(sink.tokens("late").size()).isGreaterThan(2).isLessThan(8);
    }

    @Test
    void shouldGiveTheSameTokensWithChunkedPrefill() {
        InferenceEngine engine = engine(4, 1 << 20, 3);
        int[] prompt = {3, 1, 4, 1, 5, 9, 2, 6};
        engine.submit(EngineRequest.greedy("chunked", prompt, 5));
        steps(engine, 2);
        assertThat(sink.tokens("chunked")).isEmpty();
        engine.runStep();
        assertThat(sink.tokens("chunked")).hasSize(2);
        steps(engine, 5);
        assertThat(sink.tokens("chunked")).isEqualTo(ToyDecoder.expected(prompt, 5, VOCAB));
    }

    @Test
    void shouldDecodeRequestsJoiningAndLeavingOnTheEngineThread() {
        // Queued before the thread starts so the first step sees a full batch however slow the
        // machine is; the waiting five then join one by one as shorter sequences leave.
        try (InferenceEngine engine = engine(3, 1 << 20, 0)) {
            for (int i = 0; i < 8; i++) {
                engine.submit(EngineRequest.greedy("r" + i, new int[]{i, i + 1}, 4 + 3 * i));
            }
            engine.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.finished("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"));
        }
        for (int i = 0; i < 8; i++) {
            assertThat(sink.tokens("r" + i)).isEqualTo(ToyDecoder.expected(new int[]{i, i + 1}, 4 + 3 * i, VOCAB));
        }
        assertThat(decoder.batchSizes).contains(3).allMatch(size -> size <= 3);
    }
}
