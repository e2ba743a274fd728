package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.model.llama.LlamaReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Prompt logprobs (echo with logprobs) on a real tiny decoder: token p + 1 of the prompt gets the
 * log-softmax of the full-sequence reference logits at position p, however the prompt is chunked
 * and even when the prefix cache holds most of it.
 */
class PromptLogprobsModelTest {

    private static final double TOLERANCE = 1e-4;
    private static final int TOP = 3;
    private static OnnxDecoder decoder;

    @BeforeAll
    static void load() {
        decoder = TinyLlama.decoder();
    }

    @AfterAll
    static void close() {
        decoder.close();
    }

    /** 37 tokens: the first 32 (two 16-token prefix-cache blocks) shared by every prompt of this test. */
    private static int[] prompt(int variant) {
        return IntStream.range(0, 37).map(i -> i < 32 ? (i * 13 + 5) % 64 : (variant * 17 + i) % 64).toArray();
    }

    private static EngineRequest scoring(String id, int[] prompt) {
        return new EngineRequest(id, prompt, 2, null, null, 0, TOP);
    }

    @Test
    void shouldScoreEveryPromptTokenLikeTheReferenceWhenPrefilledInChunks() {
        RecordingSink sink = new RecordingSink();
        // Chunks of 8: positions 0..36 arrive in five prefill steps.
        InferenceEngine engine = new InferenceEngine("chunked", decoder, new EngineSettings(2, 1 << 20, 8, 8), sink);
        int[] prompt = prompt(1);
        engine.submit(scoring("a", prompt));
        runUntilIdle(engine);

        assertMatchesReference(prompt, sink.promptLogprobs("a"));
        assertThat(sink.tokens("a")).as("generation unchanged").isEqualTo(TinyLlama.greedyByRecomputation(prompt, 2));
    }

    @Test
    void shouldNotLetThePrefixCacheSkipPositionsThatMustBeScored() {
        RecordingSink sink = new RecordingSink();
        InferenceEngine engine = new InferenceEngine("cached", decoder,
                new EngineSettings(2, 1 << 20, 8, 0, 1 << 16, 16), sink);
        engine.submit(EngineRequest.greedy("warm", prompt(1), 2));
        runUntilIdle(engine);
        int[] prompt = prompt(2);
        engine.submit(scoring("b", prompt));
        runUntilIdle(engine);

        assertMatchesReference(prompt, sink.promptLogprobs("b"));
        assertThat(sink.promptLogprobs("warm")).as("only asked-for prompts are scored").isNull();
        assertThat(sink.tokens("b")).isEqualTo(TinyLlama.greedyByRecomputation(prompt, 2));
    }

    @Test
    void shouldRefuseTooManyPromptAlternativesAndAnEmptyPromptWithA400() {
        RecordingSink sink = new RecordingSink();
        InferenceEngine engine = new InferenceEngine("refusing", decoder, new EngineSettings(2, 1 << 20, 8, 0), sink);
        engine.submit(new EngineRequest("many", prompt(1), 2, null, null, 0, 21));
        engine.submit(new EngineRequest("empty", new int[0], 2, null, null, 0, TOP));

        assertThat(sink.finish("many").error().status()).isEqualTo(400);
        assertThat(sink.finish("empty").error().status()).isEqualTo(400);
    }

    private static void assertMatchesReference(int[] prompt, List<TokenLogprob> scored) {
        assertThat(scored).hasSize(prompt.length);
        assertThat(scored.getFirst().tokenId()).isEqualTo(prompt[0]);
        assertThat(scored.getFirst().top()).as("nothing precedes the first token").isEmpty();
        float[][] reference = LlamaReference.logits(TinyLlama.WEIGHTS, prompt);
        for (int p = 0; p + 1 < prompt.length; p++) {
            double[] logSoftmax = logSoftmax(reference[p]);
            TokenLogprob entry = scored.get(p + 1);
            assertThat(entry.tokenId()).isEqualTo(prompt[p + 1]);
            assertThat(entry.logprob()).as("token %d", p + 1).isCloseTo(logSoftmax[prompt[p + 1]], within(TOLERANCE));
            assertThat(entry.logprob()).isLessThanOrEqualTo(0);
            Integer[] best = IntStream.range(0, logSoftmax.length).boxed()
                    .sorted(Comparator.comparingDouble(v -> -logSoftmax[v])).limit(TOP).toArray(Integer[]::new);
            assertThat(entry.top()).hasSize(TOP);
            for (int k = 0; k < TOP; k++) {
                assertThat(entry.top().get(k).tokenId()).as("token %d alternative %d", p + 1, k).isEqualTo(best[k]);
                assertThat(entry.top().get(k).logprob()).isCloseTo(logSoftmax[best[k]], within(TOLERANCE));
            }
        }
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logSum = max + Math.log(sum);
        return IntStream.range(0, logits.length).mapToDouble(i -> logits[i] - logSum).toArray();
    }

    private static void runUntilIdle(InferenceEngine engine) {
        for (int i = 0; i < 100 && engine.runStep(); i++) {
            // each step prefills a chunk or decodes every running sequence once
        }
    }
}
