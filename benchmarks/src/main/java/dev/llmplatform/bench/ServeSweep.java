package dev.llmplatform.bench;

import dev.llmplatform.bench.ServeMetrics.Metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The highest request rate at which the server still meets the objectives: a rate passes when at
 * least {@code goodRatio} of its requests completed within every objective (a failed request counts as
 * missed). Doubles from {@code start} until a rate fails or {@code max} passes, then halves the
 * interval between the last pass and the first fail {@code steps} times. Each probe is a whole run of
 * the workload at that rate, so the answer is only as steady as one run is. A {@link Search} is one
 * side's search, stepped from outside so that two sides can take turns probe by probe (on a shared
 * machine, one side's whole search after the other's would compare two different moments).
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

    /** One side's search: ask {@link #next()} for the rate to run, then {@link #record} what it gave. */
    static final class Search {
        private final double max;
        private final double goodRatio;
        private final List<Probe> probes = new ArrayList<>();
        private double rate;
        private double pass = Double.NaN;
        private double fail = Double.NaN;
        private int bisections;
        private boolean done;
        private boolean capped;

        Search(double start, double max, int steps, double goodRatio) {
            this.max = max;
            this.goodRatio = goodRatio;
            this.rate = Math.min(start, max);
            this.bisections = steps;
        }

        boolean done() {
            return done;
        }

        double next() {
            return rate;
        }

        void record(Metrics m) {
            boolean passed = m.goodRatio() >= goodRatio;
            probes.add(new Probe(rate, m, passed));
            if (Double.isNaN(fail)) {  // still doubling
                if (passed) {
                    pass = rate;
                    capped = rate >= max;
                    done = capped;
                    rate = Math.min(rate * 2, max);
                    return;
                }
                fail = rate;
                done = Double.isNaN(pass) || bisections == 0;
            } else {
                if (passed) {
                    pass = rate;
                } else {
                    fail = rate;
                }
                done = --bisections == 0;
            }
            rate = (pass + fail) / 2;
        }

        Result result() {
            return new Result(pass, capped, List.copyOf(probes));
        }
    }

    private ServeSweep() {
    }

    static Result search(RunAtRate runner, double start, double max, int steps, double goodRatio) throws Exception {
        Search s = new Search(start, max, steps, goodRatio);
        while (!s.done()) {
            s.record(runner.run(s.next()));
        }
        return s.result();
    }
}
