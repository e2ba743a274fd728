package dev.llmplatform.model.llama;

/**
 * Eval loss from logits: the mean negative log-likelihood (nats) of target tokens, computed with a
 * stable log-sum-exp in double. Used to state how much a quantized model loses against float32.
 */
public final class CrossEntropy {

    private CrossEntropy() {
    }

    /** Mean over positions of {@code -log softmax(logits[t])[targets[t]]}. */
    public static double mean(float[][] logits, int[] targets) {
        if (logits.length != targets.length || logits.length == 0) {
            throw new IllegalArgumentException("need one target per logits row, got " + logits.length + " and " + targets.length);
        }
        double sum = 0;
        for (int t = 0; t < logits.length; t++) {
            sum += logSumExp(logits[t]) - logits[t][targets[t]];
        }
        return sum / logits.length;
    }

    /** The most likely token of each row (the lowest index on ties), i.e. greedy targets. */
    public static int[] argmax(float[][] logits) {
        int[] out = new int[logits.length];
        for (int t = 0; t < logits.length; t++) {
            float[] row = logits[t];
            int best = 0;
            for (int i = 1; i < row.length; i++) {
                if (row[i] > row[best]) {
                    best = i;
                }
            }
            out[t] = best;
        }
        return out;
    }

    /** The token a draw {@code u} in [0, 1) picks from the softmax of {@code logits} (inverse CDF, temperature 1). */
    public static int sample(float[] logits, double u) {
        double max = max(logits);
        double target = u * sumExp(logits, max);
        for (int i = 0; i < logits.length; i++) {
            target -= Math.exp(logits[i] - max);
            if (target <= 0) {
                return i;
            }
        }
        return logits.length - 1;
    }

    private static double logSumExp(float[] row) {
        double max = max(row);
        return max + Math.log(sumExp(row, max));
    }

    private static double max(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** Σ exp(v − max): shifted by the row's maximum so no term overflows. */
    private static double sumExp(float[] row, double max) {
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        return sum;
    }
}
