package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.engine.kv.KvCache;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Stall detection and a dead engine thread, measured on a clock the test moves by hand. */
class EngineHealthTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final EngineSettings SETTINGS = new EngineSettings(2, 1 << 20, 8, 0);

    /** A clock that moves only when told. */
    private static final class ManualClock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T12:00:00Z"));

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    /** The toy model, whose steps wait at a gate the test opens: a step "hangs" until then. */
    private static final class GatedDecoder implements Decoder {
        private final ToyDecoder toy = new ToyDecoder(97, 256);
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private final CountDownLatch entered = new CountDownLatch(1);
        private volatile boolean fail;

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
            entered.countDown();
            if (fail) {
                throw new IllegalStateException("step failed");
            }
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return toy.step(caches, chunks, allPositions);
        }
    }

    private final ManualClock clock = new ManualClock();

    @Test
    void shouldStayHealthyWhenIdleHoweverLong() {
        try (InferenceEngine engine = new InferenceEngine("idle", new ToyDecoder(97, 256), SETTINGS, new RecordingSink(),
                EngineMetrics.NONE, clock).start()) {
            clock.advance(Duration.ofHours(5));
            EngineHealth health = engine.health();
            assertThat(health.hasWork()).isFalse();
            assertThat(health.stalled(clock.instant(), BOUND)).isFalse();
            assertThat(health.threadDied()).isFalse();
        }
    }

    @Test
    void shouldReportAStallWhenWorkMakesNoProgressPastTheBoundAndRecoverWhenAStepCompletes() {
        GatedDecoder decoder = new GatedDecoder();
        RecordingSink sink = new RecordingSink();
        try (InferenceEngine engine = new InferenceEngine("stall", decoder, SETTINGS, sink, EngineMetrics.NONE, clock)
                .start()) {
            clock.advance(Duration.ofHours(1));   // idle for an hour first: that counts for nothing
            CountDownLatch gate = new CountDownLatch(1);
            decoder.gate = gate;
            engine.submit(EngineRequest.greedy("stuck", new int[]{1, 2}, 4));
            await().atMost(Duration.ofSeconds(10)).until(() -> decoder.entered.getCount() == 0);

            assertThat(engine.health().hasWork()).isTrue();
            assertThat(engine.health().stalled(clock.instant(), BOUND)).isFalse();
            clock.advance(BOUND);
            assertThat(engine.health().stalled(clock.instant(), BOUND)).as("exactly at the bound").isFalse();
            clock.advance(Duration.ofSeconds(1));
            assertThat(engine.health().stalled(clock.instant(), BOUND)).isTrue();

            gate.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.health().lastProgress().equals(clock.instant()));
            assertThat(engine.health().stalled(clock.instant(), BOUND)).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.finish("stuck") != null);
            assertThat(engine.health().hasWork()).isFalse();
        }
    }

    @Test
    void shouldReportADeadThreadOnlyWhileTheEngineIsNotClosed() {
        GatedDecoder failing = new GatedDecoder();
        failing.fail = true;
        // The engine survives a failed step by failing its sequences; a sink that throws an Error while
        // it fails them, the running one and then every other, ends the thread, as an OutOfMemoryError would.
        TokenSink sink = new TokenSink() {
            @Override
            public void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs) {
            }

            @Override
            public void onFinished(String requestId, FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
                throw new AssertionError("sink broke while failing " + requestId);
            }
        };
        InferenceEngine engine = new InferenceEngine("dies", failing, new EngineSettings(1, 1 << 20, 8, 0), sink,
                EngineMetrics.NONE, clock);
        assertThat(engine.health().threadDied()).as("not started yet").isFalse();
        engine.submit(EngineRequest.greedy("running", new int[]{1, 2}, 4));
        engine.submit(EngineRequest.greedy("waiting", new int[]{3, 4}, 4));   // batch of one: still waiting when the step fails

        engine.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.health().threadDied());
        engine.close();
        assertThat(engine.health().threadDied()).as("a closed engine's thread is meant to end").isFalse();
    }
}
