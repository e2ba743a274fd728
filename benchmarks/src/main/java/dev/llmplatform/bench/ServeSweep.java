package dev.llmplatform.bench;

import dev.llmplatform.bench.ServeMetrics.Metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The highest request rate at which the server still meets the objectives: a rate passes when at
 * least {@code goodRatio} of its requests completed within every objective (a failed request counts as
 * missed). Doubles from {@code start} until a rate fails or {@code max} passes, then halves the
 * interval between the last pass and the first fail {@code steps} times. Each probe is a whole run of
 * the workload at that rate, so the answer is only as steady as one run is.
 */
final class ServeSweep {

    /** One run of the search. */
    record Probe(double rate, Metrics metrics, boolean passed) {
    }

    /** {@code best} is NaN when even the start rate failed; {@code capped} when {@code max} itself passed. */
    record Result(double best, boolean capped, List<Probe> probes) {
    }

    /** Runs the workload at a rate and returns its figures. */
    interface RunAtRate {
        Metrics run(double rate) throws Exception;
    }

    private ServeSweep() {
    }

    static Result search(RunAtRate runner, double start, double max, int steps, double goodRatio) throws Exception {
        List<Probe> probes = new ArrayList<>();
        double pass = Double.NaN;
        double fail = Double.NaN;
        for (double rate = Math.min(start, max); ; rate = Math.min(rate * 2, max)) {
            Probe p = probe(runner, rate, goodRatio);
            probes.add(p);
            if (!p.passed()) {
                fail = rate;
                break;
            }
            pass = rate;
            if (rate >= max) {
                return new Result(pass, true, probes);
            }
        }
        if (Double.isNaN(pass)) {
            return new Result(Double.NaN, false, probes);
        }
        for (int i = 0; i < steps; i++) {
            double mid = (pass + fail) / 2;
            Probe p = probe(runner, mid, goodRatio);
            probes.add(p);
            if (p.passed()) {
                pass = mid;
            } else {
                fail = mid;
            }
        }
        return new Result(pass, false, probes);
    }

    private static Probe probe(RunAtRate runner, double rate, double goodRatio) throws Exception {
        Metrics m = runner.run(rate);
        return new Probe(rate, m, m.goodRatio() >= goodRatio);
    }
}
