package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.inference.testing.TinyLlama;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Preemption on a real (tiny, random) ONNX decoder: a sequence preempted mid-generation and recomputed
 * from its tokens writes exactly what it writes unpreempted, and what greedy full recomputation writes.
 */
class PreemptionModelTest {

    private static final int[] PROMPT = {40, 41, 42, 43, 44, 45, 46, 47};
    private static final int MAX_TOKENS = 24;
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

    @Test
    void shouldWriteTheSameGreedyTokensWhenPreemptedAsWhenNot() {
        List<Integer> unpreempted = run(SamplingParams.greedy(), false);
        List<Integer> preempted = run(SamplingParams.greedy(), true);

        assertThat(preempted).hasSize(MAX_TOKENS).isEqualTo(unpreempted)
                .isEqualTo(TinyLlama.greedyByRecomputation(PROMPT, MAX_TOKENS));
    }

    @Test
    void shouldWriteTheSameSeededSampleWhenPreemptedAsWhenNot() {
        SamplingParams seeded = new SamplingParams(0.9, 1, 0, 0, 1.1, 0, 0, 77L, Map.of(), null);

        assertThat(run(seeded, true)).hasSize(MAX_TOKENS).isEqualTo(run(seeded, false));
    }

    /** Generates for a priority-5 request in a one-slot engine, preempted twice by urgent ones when asked. */
    private static List<Integer> run(SamplingParams sampling, boolean preempt) {
        OrderSink sink = new OrderSink();
        List<Integer> preemptions = new ArrayList<>();
        EngineMetrics metrics = new EngineMetrics() {
            @Override
            public void preempted(int priority) {
                preemptions.add(priority);
            }
        };
        InferenceEngine engine = new InferenceEngine("preempt", decoder, new EngineSettings(1, 1 << 20, 8, 4), sink, metrics);
        engine.submit(new EngineRequest("low", PROMPT, MAX_TOKENS, sampling, null, 0, null, 5));
        for (int step = 0; step < 200 && !sink.recorded.finished("low"); step++) {
            if (preempt && (step == 6 || step == 15)) {
                engine.submit(EngineRequest.greedy("urgent-" + step, new int[]{3, 1, 4, 1, 5}, 3).withPriority(0));
            }
            engine.runStep();
        }
        assertThat(sink.recorded.finished("low")).isTrue();
        assertThat(preemptions).hasSize(preempt ? 2 : 0);
        return sink.recorded.tokens("low");
    }
}
