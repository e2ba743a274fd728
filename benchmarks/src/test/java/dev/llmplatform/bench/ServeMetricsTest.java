package dev.llmplatform.bench;

import dev.llmplatform.bench.ServeMetrics.Metrics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * vLLM's metric definitions on a small recorded trace, every expected figure worked out by hand (and
 * checked against numpy 1.x: {@code np.mean}, {@code np.median}, {@code np.std}, {@code np.percentile}).
 */
class ServeMetricsTest {

    private static final long MS = 1_000_000;
    private static final double EPS = 1e-9;

    /**
     * Sent at t = 0 (the run's origin is 1 s before): A 4 tokens, chunks at 100, 120, 150, 200 ms; B 3 tokens
     * at 50, 60, 90 ms; C one token at 300 ms; D failed (HTTP 503). The run took 2 s.
     */
    private static List<ServeOutput> trace() {
        long origin = 0;
        long sent = 1000 * MS;
        ServeTrace a = sentAt(sent, 4);
        chunks(a, sent, 100, 120, 150, 200);
        a.usage(4, 4);
        ServeTrace b = sentAt(sent, 6);
        chunks(b, sent, 50, 60, 90);
        b.usage(3, 6);
        ServeTrace c = sentAt(sent, 5);
        chunks(c, sent, 300);
        c.usage(1, 5);
        ServeTrace d = sentAt(sent, 7);
        d.fail("HTTP 503: busy");
        return List.of(a.toOutput(origin), b.toOutput(origin), c.toOutput(origin), d.toOutput(origin));
    }

    private static ServeTrace sentAt(long nanos, int promptLen) {
        ServeTrace t = new ServeTrace(nanos - 5 * MS, promptLen);
        t.start(nanos);
        return t;
    }

    private static void chunks(ServeTrace t, long sent, long... ms) {
        for (long m : ms) {
            t.chunk(sent + m * MS, 1);
        }
    }

    @Test
    void shouldTurnARecordedStreamIntoTtftGapsAndLatency() {
        ServeOutput a = trace().getFirst();

        assertThat(a.success()).isTrue();
        assertThat(a.ttft()).isCloseTo(0.100, within(EPS));
        assertThat(a.itl()).containsExactly(new double[]{0.020, 0.030, 0.050}, within(EPS));
        assertThat(a.latency()).isCloseTo(0.200, within(EPS));
        assertThat(a.startTime()).isCloseTo(1.0, within(EPS));
        assertThat(a.clientQueueTime()).isCloseTo(0.005, within(EPS));
        assertThat(trace().get(3).success()).isFalse();
        assertThat(trace().get(3).error()).isEqualTo("HTTP 503: busy");
    }

    @Test
    void shouldFailAStreamThatNeverSentAChunk() {
        ServeTrace t = sentAt(0, 3);
        t.usage(0, 3);

        ServeOutput o = t.toOutput(0);

        assertThat(o.success()).isFalse();
        assertThat(o.error()).contains("Never received a valid chunk");
    }

    @Test
    void shouldCountThroughputOverTheRunAndOnlyCompletedRequests() {
        Metrics m = ServeMetrics.calculate(trace(), 2.0, ServeSlos.NONE);

        assertThat(m.completed()).isEqualTo(3);
        assertThat(m.failed()).isEqualTo(1);
        assertThat(m.totalInput()).isEqualTo(4 + 6 + 5);
        assertThat(m.totalOutput()).isEqualTo(4 + 3 + 1);
        assertThat(m.requestThroughput()).isCloseTo(1.5, within(EPS));
        assertThat(m.outputThroughput()).isCloseTo(4.0, within(EPS));
        assertThat(m.totalTokenThroughput()).isCloseTo(11.5, within(EPS));
        assertThat(m.requestGoodput()).isNaN();
    }

    @Test
    void shouldTakeTtftTpotItlAndE2elAsVllmDoes() {
        Metrics m = ServeMetrics.calculate(trace(), 2.0, ServeSlos.NONE);

        // TTFT 100, 50, 300 ms
        assertDistribution(m.ttft(), 150, 100, 108.0123, 260, 296);
        // TPOT excludes the first token: A (200 − 100) / 3, B (90 − 50) / 2; C has one token and no TPOT
        assertDistribution(m.tpot(), 26.6667, 26.6667, 6.6667, 32, 33.2);
        // ITL: every gap of every request, 20, 30, 50 and 10, 30 ms
        assertDistribution(m.itl(), 28, 30, 13.2665, 42, 49.2);
        // E2EL: the last chunk, 200, 90, 300 ms
        assertDistribution(m.e2el(), 196.6667, 200, 85.7645, 280, 298);
    }

    private static void assertDistribution(ServeMetrics.Distribution d, double mean, double median, double std,
                                           double p90, double p99) {
        assertThat(d.mean()).isCloseTo(mean, within(1e-4));
        assertThat(d.median()).isCloseTo(median, within(1e-4));
        assertThat(d.std()).isCloseTo(std, within(1e-4));
        assertThat(d.p90()).isCloseTo(p90, within(1e-4));
        assertThat(d.p99()).isCloseTo(p99, within(1e-4));
    }

    @Test
    void shouldCountAsGoodOnlyRequestsWithinEveryObjective() {
        // A misses TPOT (33.3 > 30), C misses TTFT (300 > 150): only B, over 2 s
        assertThat(ServeMetrics.calculate(trace(), 2.0, ServeSlos.parse("ttft:150 tpot:30")).requestGoodput())
                .isCloseTo(0.5, within(EPS));
        // at the objective is within it: A's 100 ms TTFT passes ttft:100
        assertThat(ServeMetrics.calculate(trace(), 2.0, ServeSlos.parse("ttft:100")).goodCompleted()).isEqualTo(2);
        assertThat(ServeMetrics.calculate(trace(), 2.0, ServeSlos.parse("e2el:250")).requestGoodput())
                .isCloseTo(1.0, within(EPS));
        // a one-token request counts with TPOT 0, so it alone meets tpot:0
        assertThat(ServeMetrics.calculate(trace(), 2.0, ServeSlos.parse("tpot:0")).goodCompleted()).isEqualTo(1);
        // the failed request counts against the ratio the sweep uses
        assertThat(ServeMetrics.calculate(trace(), 2.0, ServeSlos.parse("e2el:250")).goodRatio()).isCloseTo(0.5, within(EPS));
    }

    @Test
    void shouldReadAnEmptyListAsZeroAsVllmDoes() {
        Metrics m = ServeMetrics.calculate(List.of(trace().get(3)), 1.0, ServeSlos.NONE);

        assertThat(m.completed()).isZero();
        assertThat(m.ttft().mean()).isZero();
        assertThat(m.itl().p99()).isZero();
    }

    @Test
    void shouldInterpolatePercentilesLinearlyAsNumpy() {
        double[] v = {5, 1, 4, 2, 3};

        assertThat(ServeMetrics.percentile(v, 50)).isEqualTo(3.0);
        assertThat(ServeMetrics.percentile(v, 90)).isCloseTo(4.6, within(EPS));
        assertThat(ServeMetrics.percentile(v, 99)).isCloseTo(4.96, within(EPS));
        assertThat(ServeMetrics.percentile(v, 0)).isEqualTo(1.0);
        assertThat(ServeMetrics.percentile(v, 100)).isEqualTo(5.0);
        assertThat(ServeMetrics.percentile(new double[]{7}, 99)).isEqualTo(7.0);
        assertThat(ServeMetrics.percentile(new double[]{1, 2}, 50)).isEqualTo(1.5);
    }

    @Test
    void shouldParseObjectivesAsVllmAndRefuseOthers() {
        assertThat(ServeSlos.parse("ttft:500 tpot:50").millis()).containsEntry("ttft", 500.0).containsEntry("tpot", 50.0);
        assertThat(ServeSlos.parse("ttft:500,e2el:1000").millis()).containsOnlyKeys("ttft", "e2el");
        assertThat(ServeSlos.parse("").isEmpty()).isTrue();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> ServeSlos.parse("itl:5"));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> ServeSlos.parse("ttft:-1"));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> ServeSlos.parse("ttft=5"));
    }
}
