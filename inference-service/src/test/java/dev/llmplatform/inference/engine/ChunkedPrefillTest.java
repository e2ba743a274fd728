package dev.llmplatform.inference.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long prompts are read in chunks between decode steps: the running sequences keep getting one
 * token per step, and nothing ever feeds a position twice (no recomputation when the batch changes).
 */
class ChunkedPrefillTest {

    private static final int VOCAB = 97;
    private static final int CONTEXT = 128;

    private final ToyDecoder decoder = new ToyDecoder(VOCAB, CONTEXT);
    private final RecordingSink sink = new RecordingSink();

    private InferenceEngine engine(int prefillChunk) {
        return new InferenceEngine("toy", decoder, new EngineSettings(4, 1 << 20, 8, prefillChunk), sink);
    }

    private static int[] prompt(int length, int seed) {
        int[] prompt = new int[length];
        for (int i = 0; i < length; i++) {
            prompt[i] = (seed + 7 * i) % VOCAB;
        }
        return prompt;
    }

    @Test
    void shouldKeepStreamingARunningSequenceWhileALongPromptIsPrefilled() {
        InferenceEngine engine = engine(8);
        int[] shortPrompt = {1, 2};
        int[] longPrompt = prompt(40, 3);
        engine.submit(EngineRequest.greedy("running", shortPrompt, 30));
        engine.runStep();
        engine.submit(EngineRequest.greedy("long", longPrompt, 3));
        for (int step = 1; step <= 5; step++) {
            int before = sink.tokens("running").size();
            long fedBefore = decoder.fedTokens.get();
            engine.runStep();
            assertThat(sink.tokens("running")).as("step " + step).hasSize(before + 1);
            // One 8-token chunk of the long prompt and one decode token for the running sequence (plus,
            // once its prompt is in, the long one's first decode token).
            assertThat(decoder.fedTokens.get() - fedBefore).as("tokens fed in step " + step).isEqualTo(step < 5 ? 9 : 10);
            assertThat(sink.tokens("long")).as("step " + step).hasSize(step < 5 ? 0 : 2);
        }
        for (int i = 0; i < 40 && engine.runStep(); i++) {
            // until both finish
        }
        assertThat(sink.tokens("running")).isEqualTo(ToyDecoder.expected(shortPrompt, 30, VOCAB));
        assertThat(sink.tokens("long")).isEqualTo(ToyDecoder.expected(longPrompt, 3, VOCAB));
        assertThat(decoder.fedTokens.get()).as("every position fed exactly once")
                .isEqualTo((2 + 30 - 1) + (40 + 3 - 1));
    }

    @Test
    void shouldShareThePrefillBudgetOfAStepAmongNewPrompts() {
        InferenceEngine engine = engine(10);
        List<int[]> prompts = List.of(prompt(15, 1), prompt(15, 2), prompt(15, 3));
        for (int i = 0; i < prompts.size(); i++) {
            engine.submit(EngineRequest.greedy("p" + i, prompts.get(i), 4));
        }
        engine.runStep();
        assertThat(decoder.fedTokens.get()).as("first step: 10 prompt tokens, nothing to decode yet").isEqualTo(10);
        engine.runStep();
        // p0 finishes its prompt (5) and p1 starts (5); p0 then decodes in the same step.
        assertThat(decoder.fedTokens.get()).isEqualTo(10 + 5 + 5 + 1);
        assertThat(sink.tokens("p0")).hasSize(2);
        for (int i = 0; i < 30 && engine.runStep(); i++) {
            // until all finish
        }
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(sink.tokens("p" + i)).isEqualTo(ToyDecoder.expected(prompts.get(i), 4, VOCAB));
        }
        assertThat(decoder.fedTokens.get()).isEqualTo(3L * (15 + 4 - 1));
    }
}
