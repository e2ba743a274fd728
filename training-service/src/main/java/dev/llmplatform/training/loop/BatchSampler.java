package dev.llmplatform.training.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random training windows: batch {@code i} takes {@code batchSize} windows of {@code context + 1}
 * tokens at positions drawn from a generator seeded by (seed, i) alone. So the sampler has no state
 * to save, and a resumed run sees exactly the batches an uninterrupted one would.
 */
public final class BatchSampler {

    /** Inputs and their next tokens, row-major [batchSize, context]. */
    public record Batch(long[] inputs, long[] targets, int batchSize, int context) {
    }

    private final int[] tokens;
    private final int batchSize;
    private final int context;
    private final long seed;

    public BatchSampler(int[] tokens, int batchSize, int context, long seed) {
        if (tokens.length < context + 1) {
            throw new IllegalArgumentException("need at least " + (context + 1) + " tokens, have " + tokens.length);
        }
        this.tokens = tokens;
        this.batchSize = batchSize;
        this.context = context;
        this.seed = seed;
    }

    public Batch batch(int step) {
        SplittableRandom random = new SplittableRandom(mix(seed, step));
        int starts = tokens.length - context;
        long[] inputs = new long[batchSize * context];
        long[] targets = new long[batchSize * context];
        for (int row = 0; row < batchSize; row++) {
            int start = random.nextInt(starts);
            for (int t = 0; t < context; t++) {
                inputs[row * context + t] = tokens[start + t];
                targets[row * context + t] = tokens[start + t + 1];
            }
        }
        return new Batch(inputs, targets, batchSize, context);
    }

    /**
     * Up to {@code maxWindows} evenly spaced, non-overlapping windows of {@code context} tokens,
     * grouped into batches of at most {@code batchSize}: the same held-out text at every evaluation.
     */
    public static List<Batch> evalBatches(int[] tokens, int context, int maxWindows, int batchSize) {
        int available = (tokens.length - 1) / context;
        if (available == 0) {
            throw new IllegalArgumentException("need at least " + (context + 1) + " eval tokens, have " + tokens.length);
        }
        int windows = Math.min(maxWindows, available);
        int stride = available / windows * context;
        List<Batch> batches = new ArrayList<>();
        for (int first = 0; first < windows; first += batchSize) {
            int rows = Math.min(batchSize, windows - first);
            long[] inputs = new long[rows * context];
            long[] targets = new long[rows * context];
            for (int row = 0; row < rows; row++) {
                int start = (first + row) * stride;
                for (int t = 0; t < context; t++) {
                    inputs[row * context + t] = tokens[start + t];
                    targets[row * context + t] = tokens[start + t + 1];
                }
            }
            batches.add(new Batch(inputs, targets, rows, context));
        }
        return batches;
    }

    /** SplitMix64 finaliser: well-spread generator seeds for neighbouring steps. */
    private static long mix(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step + 0x2545F4914F6CDD1DL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
