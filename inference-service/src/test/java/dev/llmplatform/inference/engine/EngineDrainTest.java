package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.inference.engine.kv.KvCache;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shutdown: open requests finish normally within the drain timeout, new ones are refused, the rest end with a 503. */
class EngineDrainTest {

    private static final int VOCAB = 97;

    /** The toy model, 5 ms a step, so requests are still open when the drain starts. */
    private static final class SlowDecoder implements Decoder {
        private final ToyDecoder toy = new ToyDecoder(VOCAB, 256);

        @Override
        public int vocabSize() {
            return toy.vocabSize();
        }

        @Override
        public int contextLength() {
            return toy.contextLength();
        }

        @Override
        public long kvBytesPerToken() {
            return toy.kvBytesPerToken();
        }

        @Override
        public KvCache newCache(int maxTokens) {
            return toy.newCache(maxTokens);
        }

        @Override
        public float[][][] step(List<KvCache> caches, List<int[]> chunks, boolean allPositions) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return toy.step(caches, chunks, allPositions);
        }
    }

    private final RecordingSink sink = new RecordingSink();

    @Test
    void shouldLetRunningAndWaitingRequestsFinishAndRefuseNewOnes() {
        InferenceEngine engine = new InferenceEngine("drain", new SlowDecoder(), new EngineSettings(1, 1 << 20, 8, 0), sink).start();
        engine.submit(EngineRequest.greedy("running", new int[]{1, 2}, 60));
        engine.submit(EngineRequest.greedy("waiting", new int[]{3, 4}, 60));   // batch of one: waits for "running"
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> !sink.tokens("running").isEmpty());

        // At least 100 steps of 5 ms are left, so the drain is still waiting when "late" comes.
        Thread drain = Thread.ofPlatform().start(() -> engine.drain(Duration.ofSeconds(20)));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> drain.getState() == Thread.State.TIMED_WAITING);
        engine.submit(EngineRequest.greedy("late", new int[]{5}, 5));
        await().atMost(Duration.ofSeconds(20)).until(() -> !drain.isAlive());
        engine.close();

        assertThat(sink.finish("running").reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(sink.tokens("running")).hasSize(60);
        assertThat(sink.finish("waiting").reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(sink.tokens("waiting")).hasSize(60);
        assertThat(sink.finish("late").reason()).isEqualTo(FinishReason.ERROR);
        assertThat(sink.finish("late").error().status()).isEqualTo(503);
    }

    @Test
    void shouldEndWhatIsLeftWithA503WhenTheDrainTimesOut() {
        InferenceEngine engine = new InferenceEngine("drain", new SlowDecoder(), new EngineSettings(1, 1 << 20, 8, 0), sink).start();
        engine.submit(EngineRequest.greedy("long", new int[]{1, 2}, 200));
        await().atMost(Duration.ofSeconds(5)).until(() -> !sink.tokens("long").isEmpty());

        assertThat(engine.drain(Duration.ofMillis(50))).isFalse();
        engine.close();

        assertThat(sink.finish("long").reason()).isEqualTo(FinishReason.ERROR);
        assertThat(sink.finish("long").error().status()).isEqualTo(503);
        assertThat(sink.tokens("long").size()).isLessThan(200);
    }
}
