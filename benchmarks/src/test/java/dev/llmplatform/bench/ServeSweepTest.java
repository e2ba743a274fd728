package dev.llmplatform.bench;

import dev.llmplatform.bench.ServeMetrics.Distribution;
import dev.llmplatform.bench.ServeMetrics.Metrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rate search against a made-up server that meets its objectives up to 37 requests/s. */
class ServeSweepTest {

    private static Metrics at(double rate) {
        Distribution zero = new Distribution(0, 0, 0, 0, 0);
        int good = rate <= 37 ? 10 : 8;  // 80% good above the knee
        return new Metrics(10, 0, 0, 0, 1, rate, good, good, 0, 0, zero, zero, zero, zero, zero);
    }

    @Test
    void shouldDoubleUntilAFailThenBisect() throws Exception {
        ServeSweep.Result r = ServeSweep.search(ServeSweepTest::at, 4, 1024, 4, 0.9);

        assertThat(r.probes()).extracting(ServeSweep.Probe::rate).containsExactly(4.0, 8.0, 16.0, 32.0, 64.0, 48.0, 40.0, 36.0, 38.0);
        assertThat(r.best()).isEqualTo(36.0);
        assertThat(r.capped()).isFalse();
    }

    @Test
    void shouldSayWhenTheMaximumPassedOrTheStartFailed() throws Exception {
        assertThat(ServeSweep.search(ServeSweepTest::at, 4, 20, 4, 0.9)).satisfies(r -> {
            assertThat(r.best()).isEqualTo(20.0);
            assertThat(r.capped()).isTrue();
        });
        assertThat(ServeSweep.search(ServeSweepTest::at, 50, 1024, 4, 0.9).best()).isNaN();
        // a lower bar passes everything the made-up server does at 80%
        assertThat(ServeSweep.search(ServeSweepTest::at, 4, 256, 4, 0.8).best()).isEqualTo(256.0);
    }
}
