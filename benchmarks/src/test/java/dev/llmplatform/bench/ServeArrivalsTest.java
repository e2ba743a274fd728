package dev.llmplatform.bench;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Arrival times as vLLM's {@code get_request} draws them; fixed seeds, so every figure is reproducible. */
class ServeArrivalsTest {

    @Test
    void shouldSendEverythingAtOnceAtAnInfiniteRate() {
        assertThat(ServeArrivals.offsets(5, Double.POSITIVE_INFINITY, 1, 0)).containsOnly(0.0);
    }

    @Test
    void shouldSpaceEvenlyAtInfiniteBurstiness() {
        assertThat(ServeArrivals.offsets(4, 2, Double.POSITIVE_INFINITY, 0))
                .containsExactly(new double[]{0.5, 1.0, 1.5, 2.0}, within(1e-12));
    }

    @Test
    void shouldEndAtNOverRateWhateverTheSeed() {
        for (long seed = 0; seed < 5; seed++) {
            double[] t = ServeArrivals.offsets(64, 8, 1, seed);
            assertThat(t[63]).isCloseTo(8.0, within(1e-9));
            for (int i = 1; i < t.length; i++) {
                assertThat(t[i]).isGreaterThanOrEqualTo(t[i - 1]);
            }
        }
    }

    /** Gamma gaps of shape k: squared coefficient of variation 1/k (1 for Poisson). */
    @Test
    void shouldMakeGapsBurstierBelowOneAndEvenerAboveOne() {
        assertThat(squaredCv(ServeArrivals.offsets(20_000, 10, 1, 7))).isCloseTo(1.0, within(0.08));
        assertThat(squaredCv(ServeArrivals.offsets(20_000, 10, 0.25, 7))).isCloseTo(4.0, within(0.4));
        assertThat(squaredCv(ServeArrivals.offsets(20_000, 10, 4, 7))).isCloseTo(0.25, within(0.03));
    }

    @Test
    void shouldDrawGammaWithItsMean() {
        SplittableRandom random = new SplittableRandom(20261206L);
        for (double shape : new double[]{0.3, 1, 2.5}) {
            double sum = 0;
            for (int i = 0; i < 50_000; i++) {
                sum += ServeArrivals.gamma(random, shape);
            }
            assertThat(sum / 50_000).isCloseTo(shape, within(0.03 * shape + 0.01));
        }
    }

    private static double squaredCv(double[] t) {
        double[] gaps = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            gaps[i] = t[i] - (i == 0 ? 0 : t[i - 1]);
        }
        double m = ServeMetrics.mean(gaps);
        double s = ServeMetrics.std(gaps);
        return s * s / (m * m);
    }
}
