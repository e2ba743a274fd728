package dev.llmplatform.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * vLLM's {@code calculate_metrics} ({@code vllm/benchmarks/serve.py}), definition for definition:
 * <ul>
 * <li>completed / failed: requests that succeeded / did not; the rates divide by the run's duration
 *     (first arrival scheduled → last request done);</li>
 * <li>output tokens: each completed request's {@code usage.completion_tokens}; input tokens: its prompt length;</li>
 * <li>TTFT per completed request; TPOT = (E2EL − TTFT) / (output tokens − 1) for requests of more than one
 *     output token (excluding the first token); ITL: every gap between consecutive chunks of every request;
 *     E2EL per completed request;</li>
 * <li>goodput: completed requests meeting every objective, per second, where a request of one output token
 *     counts with TPOT 0;</li>
 * <li>mean, median, population standard deviation and percentiles as numpy's {@code mean}, {@code median},
 *     {@code std}, {@code percentile} (linear interpolation); an empty list counts as {@code [0]}.</li>
 * </ul>
 */
final class ServeMetrics {

    /** One metric's distribution, in milliseconds. */
    record Distribution(double mean, double median, double std, double p90, double p99) {

        static Distribution ofSeconds(List<Double> seconds) {
            double[] v = seconds.isEmpty() ? new double[]{0} : seconds.stream().mapToDouble(Double::doubleValue).toArray();
            return new Distribution(ServeMetrics.mean(v) * 1000, percentile(v, 50) * 1000, ServeMetrics.std(v) * 1000,
                    percentile(v, 90) * 1000, percentile(v, 99) * 1000);
        }
    }

    /** The figures of one run. {@code requestGoodput} is NaN when no objective was given. */
    record Metrics(int completed, int failed, long totalInput, long totalOutput, double duration,
                   double requestThroughput, double requestGoodput, int goodCompleted, double outputThroughput,
                   double totalTokenThroughput, Distribution ttft, Distribution tpot, Distribution itl,
                   Distribution e2el, Distribution clientQueue) {

        /** Requests meeting every objective among all that were sent (failures count as not met). */
        double goodRatio() {
            return (double) goodCompleted / Math.max(1, completed + failed);
        }
    }

    private ServeMetrics() {
    }

    static Metrics calculate(List<ServeOutput> outputs, double durationS, ServeSlos slos) {
        long totalInput = 0;
        long totalOutput = 0;
        int completed = 0;
        int good = 0;
        List<Double> ttfts = new ArrayList<>();
        List<Double> tpots = new ArrayList<>();
        List<Double> itls = new ArrayList<>();
        List<Double> e2els = new ArrayList<>();
        List<Double> queue = new ArrayList<>();
        for (ServeOutput o : outputs) {
            if (!o.success()) {
                continue;
            }
            int outputLen = o.outputTokens();
            totalOutput += outputLen;
            totalInput += o.promptLen();
            double tpot = 0;
            if (outputLen > 1) {
                tpot = (o.latency() - o.ttft()) / (outputLen - 1);
                tpots.add(tpot);
            }
            for (double gap : o.itl()) {
                itls.add(gap);
            }
            ttfts.add(o.ttft());
            e2els.add(o.latency());
            queue.add(o.clientQueueTime());
            completed++;
            if (!slos.isEmpty() && slos.met(o.ttft(), tpot, o.latency())) {
                good++;
            }
        }
        return new Metrics(completed, outputs.size() - completed, totalInput, totalOutput, durationS,
                completed / durationS, slos.isEmpty() ? Double.NaN : good / durationS, good,
                totalOutput / durationS, (totalInput + totalOutput) / durationS,
                Distribution.ofSeconds(ttfts), Distribution.ofSeconds(tpots), Distribution.ofSeconds(itls),
                Distribution.ofSeconds(e2els), Distribution.ofSeconds(queue));
    }

    /** numpy's default {@code percentile}: linear interpolation between the closest ranks, rank p/100·(n−1). */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** numpy's {@code std}: the population standard deviation (ddof 0). */
    static double std(double[] values) {
        double m = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - m) * (v - m);
        }
        return Math.sqrt(sum / values.length);
    }
}
