package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.FinishReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Priority scheduling against the toy model (whose next token depends on a sequence's whole cached
 * history, so a wrongly recomputed cache shows at once). Steps are driven by hand: every request is
 * queued before the step that must order it, so the outcome never depends on timing.
 */
class PrioritySchedulingTest {

    private static final int VOCAB = 97;
    private static final int CONTEXT = 128;
    /** The toy model's KV cost per token. */
    private static final long BYTES_PER_TOKEN = 8;

    private final ToyDecoder decoder = new ToyDecoder(VOCAB, CONTEXT);
    private final OrderSink sink = new OrderSink();
    private final List<Integer> preempted = new ArrayList<>();
    private final List<Integer> admittedPriorities = new ArrayList<>();
    private final EngineMetrics metrics = new EngineMetrics() {
        @Override
        public void admitted(int priority, long queueNanos) {
            admittedPriorities.add(priority);
        }

        @Override
        public void preempted(int priority) {
            preempted.add(priority);
        }
    };

    private InferenceEngine engine(int maxBatch, long kvBytes, int prefillChunk) {
        return new InferenceEngine("priority", decoder, new EngineSettings(maxBatch, kvBytes, 32, prefillChunk), sink, metrics);
    }

    private static EngineRequest request(String id, int priority, int maxTokens) {
        return EngineRequest.greedy(id, prompt(id), maxTokens).withPriority(priority);
    }

    /** A prompt of its own per id, so every request generates something different. */
    private static int[] prompt(String id) {
        int[] prompt = new int[4];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = Math.floorMod(id.hashCode() * 31 + i * 7, VOCAB);
        }
        return prompt;
    }

    private void runUntilFinished(InferenceEngine engine, String... ids) {
        for (int i = 0; i < 1000 && !sink.recorded.finished(ids); i++) {
            engine.runStep();
        }
        assertThat(sink.recorded.finished(ids)).as("all finished").isTrue();
    }

    private void assertUnchanged(String id, int maxTokens) {
        assertThat(sink.recorded.tokens(id)).as(id).isEqualTo(ToyDecoder.expected(prompt(id), maxTokens, VOCAB));
        assertThat(sink.recorded.finish(id).reason()).as(id).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void shouldAdmitMoreUrgentRequestsQueuedAfterLessUrgentOnesFirst() {
        InferenceEngine engine = engine(1, 1 << 20, 0);
        engine.submit(request("low-1", 10, 3));
        engine.submit(request("low-2", 10, 3));
        engine.submit(request("urgent", -1, 3));
        engine.submit(request("default", 0, 3));

        runUntilFinished(engine, "low-1", "low-2", "urgent", "default");

        assertThat(sink.firstTokens()).containsExactly("urgent", "default", "low-1", "low-2");
        assertThat(admittedPriorities).containsExactly(-1, 0, 10, 10);
        assertThat(preempted).isEmpty();
    }

    @Test
    void shouldServeEqualPrioritiesInArrivalOrder() {
        InferenceEngine engine = engine(1, 1 << 20, 0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String id = "r" + i;
            ids.add(id);
            engine.submit(request(id, i % 2 == 0 ? 3 : 1, 2));
        }

        runUntilFinished(engine, ids.toArray(String[]::new));

        assertThat(sink.firstTokens()).containsExactly("r1", "r3", "r5", "r7", "r0", "r2", "r4", "r6");
    }

    @Test
    void shouldPreemptTheLeastUrgentRunningSequenceForABatchSlot() {
        InferenceEngine engine = engine(2, 1 << 20, 0);
        engine.submit(request("a", 1, 12));
        engine.submit(request("b", 4, 12));
        engine.submit(request("c", 4, 12));
        engine.runStep();   // a and b run, c waits
        engine.runStep();
        int aBefore = sink.recorded.tokens("a").size();
        int bBefore = sink.recorded.tokens("b").size();

        engine.submit(request("urgent", 0, 3));
        engine.runStep();

        assertThat(preempted).as("b: the highest value running").containsExactly(4);
        assertThat(sink.recorded.tokens("a")).as("a keeps running").hasSize(aBefore + 1);
        assertThat(sink.recorded.tokens("b")).as("b stopped").hasSize(bBefore);
        runUntilFinished(engine, "a", "b", "c", "urgent");
        // b kept its arrival: readmitted before c, queued after it but at the same priority.
        assertThat(sink.firstTokens()).containsExactly("a", "b", "urgent", "c");
        assertThat(preempted).hasSize(1);
        for (String id : List.of("a", "b", "c")) {
            assertUnchanged(id, 12);
        }
        assertUnchanged("urgent", 3);
    }

    @Test
    void shouldPreemptTheLatestArrivalAmongEqualPriorities() {
        InferenceEngine engine = engine(2, 1 << 20, 0);
        engine.submit(request("first", 5, 10));
        engine.submit(request("second", 5, 10));
        engine.runStep();

        engine.submit(request("urgent", 0, 2));
        engine.runStep();
        int firstAfter = sink.recorded.tokens("first").size();
        engine.runStep();

        assertThat(sink.recorded.tokens("first")).as("the earlier arrival keeps running").hasSize(firstAfter + 1);
        assertThat(preempted).containsExactly(5);
        runUntilFinished(engine, "first", "second", "urgent");
        assertUnchanged("second", 10);
    }

    @Test
    void shouldNeverPreemptForAnEqualOrLessUrgentRequest() {
        InferenceEngine engine = engine(2, 1 << 20, 0);
        engine.submit(request("a", 2, 6));
        engine.submit(request("b", 2, 6));
        engine.runStep();

        engine.submit(request("same", 2, 6));
        engine.submit(request("later", 7, 6));
        runUntilFinished(engine, "a", "b", "same", "later");

        assertThat(preempted).isEmpty();
        assertThat(sink.firstTokens()).containsExactly("a", "b", "same", "later");
    }

    @Test
    void shouldPreemptUnderKvPressureOnlyAsMuchAsTheUrgentRequestNeeds() {
        // Each request reserves (4 + 20) tokens × 8 bytes = 192; the budget holds two, the batch eight.
        InferenceEngine engine = engine(8, 2 * 24 * BYTES_PER_TOKEN, 0);
        engine.submit(request("low", 5, 20));
        engine.submit(request("lowest", 6, 20));
        engine.runStep();
        engine.runStep();

        engine.submit(request("urgent", 0, 20));
        engine.runStep();

        assertThat(preempted).containsExactly(6);
        assertThat(engine.stats().running()).isEqualTo(2);
        runUntilFinished(engine, "low", "lowest", "urgent");
        assertUnchanged("low", 20);
        assertUnchanged("lowest", 20);
        assertUnchanged("urgent", 20);
        assertThat(sink.finishes().indexOf("urgent")).isLessThan(sink.finishes().indexOf("lowest"));
    }

    @Test
    void shouldPreemptNothingWhenEvenAllLessUrgentSequencesWouldNotMakeRoom() {
        InferenceEngine engine = engine(8, 2 * 24 * BYTES_PER_TOKEN, 0);
        engine.submit(request("urgent-running", 0, 20));
        engine.submit(request("low", 5, 20));
        engine.runStep();

        // Needs (4 + 40) × 8 = 352 bytes: only "low" is less urgent, and its 192 would not be enough.
        engine.submit(EngineRequest.greedy("big", prompt("big"), 40).withPriority(0));
        engine.runStep();

        assertThat(preempted).isEmpty();
        runUntilFinished(engine, "urgent-running", "low", "big");
        assertThat(sink.firstTokens()).containsExactly("urgent-running", "low", "big");
    }

    @Test
    void shouldRecomputeAPreemptedSequenceInChunksAndGoOnWithTheSameTokens() {
        // Chunked prefill: the recompute of prompt + generated tokens takes several steps.
        InferenceEngine engine = engine(1, 1 << 20, 3);
        engine.submit(request("long", 9, 30));
        for (int i = 0; i < 12; i++) {
            engine.runStep();
        }
        engine.submit(request("urgent-1", 0, 2));
        engine.runStep();
        for (int i = 0; i < 6; i++) {
            engine.runStep();
        }
        engine.submit(request("urgent-2", -5, 2));   // preempts "long" a second time, mid-generation again

        runUntilFinished(engine, "long", "urgent-1", "urgent-2");

        assertThat(preempted).containsExactly(9, 9);
        assertUnchanged("long", 30);
        assertThat(sink.recorded.finish("long").usage().completionTokens()).isEqualTo(30);
    }

    @Test
    void shouldKeepAPreemptedSequencesStreamAndCountsExactlyOnce() {
        InferenceEngine engine = engine(1, 1 << 20, 0);
        engine.submit(request("low", 3, 8));
        engine.runStep();
        engine.runStep();
        engine.submit(request("urgent", 0, 8));
        runUntilFinished(engine, "low", "urgent");

        // RecordingSink fails on a repeated or skipped offset; the finish reports every token once.
        assertThat(sink.recorded.finish("low").usage().completionTokens()).isEqualTo(8);
        assertThat(admittedPriorities).as("queue time recorded at the first admission only").containsExactly(3, 0);
        assertThat(sink.finishes()).containsExactly("urgent", "low");
        assertThat(Map.of("low", sink.recorded.tokens("low")))
                .isEqualTo(Map.of("low", ToyDecoder.expected(prompt("low"), 8, VOCAB)));
    }
}
