package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.FinishReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Many more concurrent requests than the KV budget holds, on the engine's own thread. */
class KvBudgetTest {

    private static final int VOCAB = 97;

    @Test
    void shouldFinishEveryRequestWithoutEverReservingMoreThanTheBudget() throws InterruptedException {
        ToyDecoder decoder = new ToyDecoder(VOCAB, 256);
        RecordingSink sink = new RecordingSink();
        // 8 bytes per token: each request reserves (20 + 40) × 8 = 480 bytes; the budget holds three,
        // with a prefix cache (4-token blocks, shared 16-token prefix) competing for the same bytes.
        long budget = 3 * 480 + 100;
        EngineSettings settings = new EngineSettings(8, budget, 64, 8, 256, 4);
        List<int[]> prompts = new ArrayList<>();
        AtomicLong maxReserved = new AtomicLong();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger prefixHits = new AtomicInteger();
        EngineMetrics metrics = new EngineMetrics() {
            @Override
            public void prefixLookup(int promptTokens, int cachedTokens) {
                if (cachedTokens > 0) {
                    prefixHits.incrementAndGet();
                }
            }

            @Override
            public void decodeStep(int batchSize) {
                maxRunning.accumulateAndGet(batchSize, Math::max);
            }
        };
        try (InferenceEngine engine = new InferenceEngine("budget", decoder, settings, sink, metrics)) {
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (sampling.get()) {
                    EngineStats stats = engine.stats();
                    maxReserved.accumulateAndGet(stats.kvReservedBytes(), Math::max);
                    LockSupport.parkNanos(100_000);
                }
            });
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                int client = c;
                clients.add(Thread.ofPlatform().start(() -> {
                    for (int i = client; i < 24; i += 2) {
                        engine.submit(EngineRequest.greedy("r" + i, promptFor(i), 40));
                    }
                }));
            }
            for (int i = 0; i < 24; i++) {
                prompts.add(promptFor(i));
            }
            for (Thread client : clients) {
                client.join();
            }
            // Started once all 24 wait, so admission (not the machine's speed) decides how many run.
            engine.start();
            String[] ids = new String[24];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "r" + i;
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sink.finished(ids));
            sampling.set(false);
            sampler.join();
            assertThat(engine.stats().kvReservedBytes()).isEqualTo(engine.stats().prefixCacheBytes());
        }
        for (int i = 0; i < 24; i++) {
            assertThat(sink.finish("r" + i).reason()).as("r" + i).isEqualTo(FinishReason.LENGTH);
            assertThat(sink.tokens("r" + i)).as("r" + i).isEqualTo(ToyDecoder.expected(prompts.get(i), 40, VOCAB));
        }
        assertThat(maxReserved.get()).isPositive().isLessThanOrEqualTo(budget);
        assertThat(maxRunning.get()).isEqualTo(3);
        assertThat(prefixHits.get()).as("prefix cache hits under budget pressure").isPositive();
    }

    /** 20 tokens: a 16-token prefix shared by all, then 4 of its own. */
    private static int[] promptFor(int i) {
        int[] prompt = new int[20];
        for (int p = 0; p < 16; p++) {
            prompt[p] = (p * 5 + 1) % VOCAB;
        }
        for (int p = 16; p < 20; p++) {
            prompt[p] = (i * 11 + p) % VOCAB;
        }
        return prompt;
    }
}
