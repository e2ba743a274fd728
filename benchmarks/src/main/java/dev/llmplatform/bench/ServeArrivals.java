package dev.llmplatform.bench;

import java.util.SplittableRandom;

/**
 * When each request of a run arrives, as vLLM's {@code get_request}: at rate {@code inf} all at once;
 * otherwise gaps drawn from a gamma distribution of shape {@code burstiness} and scale
 * {@code 1 / (rate · burstiness)} (mean 1/rate; burstiness 1 is a Poisson process, below 1 burstier,
 * above 1 more even, {@code inf} evenly spaced), summed, then scaled so the last request arrives at
 * exactly {@code n / rate} (vLLM does this so throughput does not drift with the seed). The draws come
 * from a seeded {@link SplittableRandom}, not numpy's generator, so a seed gives other times than vLLM's
 * but the same distribution.
 */
final class ServeArrivals {

    private ServeArrivals() {
    }

    /** Seconds from the start of the run at which each of {@code n} requests arrives. */
    static double[] offsets(int n, double rate, double burstiness, long seed) {
        if (!(rate > 0) || !(burstiness > 0)) {
            throw new IllegalArgumentException("request rate and burstiness must be > 0, got " + rate + " and " + burstiness);
        }
        double[] t = new double[n];
        if (Double.isInfinite(rate) || n == 0) {
            return t;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Double.isInfinite(burstiness) ? 1 / rate : gamma(random, burstiness) / (rate * burstiness);
            t[i] = sum;
        }
        double scale = n / rate / t[n - 1];
        for (int i = 0; i < n; i++) {
            t[i] *= scale;
        }
        return t;
    }

    /**
     * A Gamma(shape, 1) draw: Marsaglia and Tsang's method (2000), with their boost for shape &lt; 1
     * (a draw at shape + 1 times U^(1/shape)).
     */
    static double gamma(SplittableRandom random, double shape) {
        if (shape < 1) {
            return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
