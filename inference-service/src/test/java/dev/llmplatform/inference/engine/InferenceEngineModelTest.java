package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.inference.testing.TinyLlama;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The engine on a real (tiny, random) ONNX decoder: batching must not change what any sequence generates. */
class InferenceEngineModelTest {

    private static OnnxDecoder decoder;

    @BeforeAll
    static void load() {
        decoder = TinyLlama.decoder();
        InferenceEngine.warmUp(decoder);
    }

    @AfterAll
    static void close() {
        decoder.close();
    }

    private static final int[][] PROMPTS = {{1, 2, 3}, {40, 41, 42, 43, 44, 45, 46, 47}, {9}, {12, 30, 5, 5, 60}};
    private static final int[] MAX_TOKENS = {12, 5, 20, 9};

    @Test
    void shouldGenerateWhatGreedyRecomputationGenerates() {
        RecordingSink sink = new RecordingSink();
        InferenceEngine engine = new InferenceEngine("tiny", decoder, new EngineSettings(4, 1 << 20, 16, 0), sink);
        engine.submit(EngineRequest.greedy("a", PROMPTS[0], 10));
        for (int i = 0; i < 12; i++) {
            engine.runStep();
        }
        assertThat(sink.tokens("a")).isEqualTo(TinyLlama.greedyByRecomputation(PROMPTS[0], 10));
        assertThat(new HashSet<>(sink.tokens("a"))).as("a model that varies its tokens").hasSizeGreaterThan(2);
        assertThat(sink.finish("a").reason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void shouldGenerateTheSameGreedyTokensWhateverJoinsOrLeavesTheBatch() {
        RecordingSink alone = new RecordingSink();
        InferenceEngine single = new InferenceEngine("alone", decoder, new EngineSettings(1, 1 << 20, 16, 0), alone);
        for (int i = 0; i < PROMPTS.length; i++) {
            single.submit(EngineRequest.greedy("r" + i, PROMPTS[i], MAX_TOKENS[i]));
        }
        runUntilIdle(single);

        RecordingSink together = new RecordingSink();
        InferenceEngine batched = new InferenceEngine("batched", decoder, new EngineSettings(3, 1 << 20, 16, 3), together);
        // Requests arrive while others run; the batch holds three, so the fourth waits for a free slot.
        batched.submit(EngineRequest.greedy("r0", PROMPTS[0], MAX_TOKENS[0]));
        batched.runStep();
        batched.submit(EngineRequest.greedy("r1", PROMPTS[1], MAX_TOKENS[1]));
        batched.submit(EngineRequest.greedy("r2", PROMPTS[2], MAX_TOKENS[2]));
        batched.runStep();
        batched.runStep();
        batched.submit(EngineRequest.greedy("r3", PROMPTS[3], MAX_TOKENS[3]));
        runUntilIdle(batched);

        for (int i = 0; i < PROMPTS.length; i++) {
            assertThat(together.tokens("r" + i)).as("request r" + i).hasSize(MAX_TOKENS[i]).isEqualTo(alone.tokens("r" + i));
        }
    }

    @Test
    void shouldRepeatSampledTokensForTheSameSeedOnlyInBatchesToo() {
        List<Integer> first = sampleWithNeighbours(1234L, 1);
        List<Integer> again = sampleWithNeighbours(1234L, 3);
        List<Integer> other = sampleWithNeighbours(999L, 1);
        assertThat(first).hasSize(16).isEqualTo(again);
        assertThat(other).hasSize(16).isNotEqualTo(first);
    }

    /** Samples 16 tokens at temperature 1 for one seeded request, with {@code neighbours - 1} others beside it. */
    private static List<Integer> sampleWithNeighbours(long seed, int neighbours) {
        RecordingSink sink = new RecordingSink();
        InferenceEngine engine = new InferenceEngine("seeded", decoder, new EngineSettings(4, 1 << 20, 16, 0), sink);
        SamplingParams hot = new SamplingParams(1.0, 1, 0, 0, 1, 0, 0, seed, Map.of(), null);
        for (int i = 1; i < neighbours; i++) {
            engine.submit(new EngineRequest("n" + i, new int[]{i, 2 * i}, 16,
                    new SamplingParams(1.0, 1, 0, 0, 1, 0, 0, null, Map.of(), null), null, 0));
        }
        engine.submit(new EngineRequest("seeded", PROMPTS[1], 16, hot, null, 0));
        runUntilIdle(engine);
        return sink.tokens("seeded");
    }

    @Test
    void shouldServeConcurrentSubmittersOnItsOwnThread() throws InterruptedException {
        RecordingSink sink = new RecordingSink();
        try (InferenceEngine engine = new InferenceEngine("threaded", decoder, new EngineSettings(4, 1 << 20, 16, 0), sink).start()) {
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                int index = i;
                clients.add(Thread.ofPlatform().start(() ->
                        engine.submit(EngineRequest.greedy("c" + index, PROMPTS[index], MAX_TOKENS[index]))));
            }
            for (Thread client : clients) {
                client.join();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sink.finished("c0", "c1", "c2", "c3"));
        }
        for (int i = 0; i < PROMPTS.length; i++) {
            assertThat(sink.tokens("c" + i)).isEqualTo(TinyLlama.greedyByRecomputation(PROMPTS[i], MAX_TOKENS[i]));
        }
    }

    private static void runUntilIdle(InferenceEngine engine) {
        for (int i = 0; i < 200 && engine.runStep(); i++) {
            // each step decodes every running sequence once
        }
    }
}
