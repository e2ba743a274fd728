package dev.llmplatform.inference.engine;

import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.model.llama.LlamaReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A prefix-cache hit on a real (tiny, random) decoder must change nothing but the work done. */
class PrefixCacheModelTest {

    private static final float TOLERANCE = 1e-4f;
    private static OnnxDecoder onnx;

    @BeforeAll
    static void load() {
        onnx = TinyLlama.decoder();
    }

    @AfterAll
    static void close() {
        onnx.close();
    }

    /** Records, for each single-sequence call, the cache length before it, the chunk length and the logits. */
    private static final class RecordingDecoder implements Decoder {
        record Call(int pastLength, int chunkLength, float[] logits) {
        }

        final List<Call> calls = new ArrayList<>();

        public int vocabSize() {
            return onnx.vocabSize();
        }

        public int contextLength() {
            return onnx.contextLength();
        }

        public long kvBytesPerToken() {
            return onnx.kvBytesPerToken();
        }

        public KvCache newCache(int maxTokens) {
            return onnx.newCache(maxTokens);
        }

        public float[][][] step(List<KvCache> caches, List<int[]> chunks, boolean allPositions) {
            int past = caches.getFirst().length();
            float[][][] logits = onnx.step(caches, chunks, allPositions);
            if (caches.size() == 1) {
                calls.add(new Call(past, chunks.getFirst().length, logits[0][logits[0].length - 1]));
            }
            return logits;
        }

        /** Logits of the call that fed {@code chunk} tokens after {@code past} cached ones. */
        float[] logitsOf(int past, int chunk) {
            return calls.stream().filter(c -> c.pastLength() == past && c.chunkLength() == chunk)
                    .findFirst().orElseThrow().logits();
        }
    }

    /** 40 tokens: 32 shared with every other prompt of this test (two 16-token blocks), then 8 of its own. */
    private static int[] prompt(int variant) {
        int[] prompt = new int[40];
        for (int i = 0; i < 40; i++) {
            prompt[i] = i < 32 ? (i * 13 + 5) % 64 : (variant * 17 + i) % 64;
        }
        return prompt;
    }

    @Test
    void shouldGiveTheColdRunsLogitsAndGreedyTokensOnAPrefixHit() {
        int[] first = prompt(1);
        int[] second = prompt(2);
        RecordingDecoder warmDecoder = new RecordingDecoder();
        RecordingSink warmSink = new RecordingSink();
        AtomicInteger hits = new AtomicInteger();
        AtomicInteger cachedTokens = new AtomicInteger();
        EngineMetrics metrics = new EngineMetrics() {
            @Override
            public void prefixLookup(int promptTokens, int cached) {
                hits.addAndGet(cached > 0 ? 1 : 0);
                cachedTokens.addAndGet(cached);
            }
        };
        InferenceEngine warm = new InferenceEngine("warm", warmDecoder, new EngineSettings(2, 1 << 20, 8, 0, 1 << 16, 16),
                warmSink, metrics);
        warm.submit(EngineRequest.greedy("first", first, 8));
        runUntilIdle(warm);
        assertThat(hits.get()).as("nothing cached yet").isZero();
        warm.submit(EngineRequest.greedy("second", second, 8));
        runUntilIdle(warm);
        assertThat(hits.get()).isEqualTo(1);
        assertThat(cachedTokens.get()).isEqualTo(32);

        RecordingDecoder coldDecoder = new RecordingDecoder();
        RecordingSink coldSink = new RecordingSink();
        InferenceEngine cold = new InferenceEngine("cold", coldDecoder, new EngineSettings(2, 1 << 20, 8, 0), coldSink);
        cold.submit(EngineRequest.greedy("second", second, 8));
        runUntilIdle(cold);

        float[] hitLogits = warmDecoder.logitsOf(32, 8);
        float[] coldLogits = coldDecoder.logitsOf(0, 40);
        float[][] reference = LlamaReference.logits(TinyLlama.WEIGHTS, second);
        assertThat(maxAbsDiff(hitLogits, coldLogits)).isLessThanOrEqualTo(TOLERANCE);
        assertThat(maxAbsDiff(hitLogits, reference[reference.length - 1])).isLessThanOrEqualTo(TOLERANCE);
        assertThat(warmSink.tokens("second")).hasSize(8).isEqualTo(coldSink.tokens("second"))
                .isEqualTo(TinyLlama.greedyByRecomputation(second, 8));
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static void runUntilIdle(InferenceEngine engine) {
        for (int i = 0; i < 100 && engine.runStep(); i++) {
            // each step decodes every running sequence once
        }
    }
}
