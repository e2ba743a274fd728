package dev.llmplatform.bench;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Main-memory bandwidth as a plain Java program sees it: a read pass (sum of floats) and a STREAM
 * triad ({@code a = b + s·c}) over arrays far larger than the caches, split across threads. The
 * read figure is the roofline for token generation, which streams the weights once per step.
 *
 * <pre>java -cp ... dev.llmplatform.bench.BandwidthProbe --mb=512 --threads=2 --repeat=5</pre>
 */
public final class BandwidthProbe {

    /** Best-of-repeats GB/s (10^9 bytes per second) of each kernel. */
    public record Result(double readGbs, double triadGbs, int threads, long bytesPerArray) {
    }

    private BandwidthProbe() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int mb = args.integer("mb", 512);
        int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
        int repeat = args.integer("repeat", 5);
        System.out.println(Args.machineLine());
        Result r = measure((long) mb << 20, threads, repeat);
        System.out.printf("read  (sum over %d MB of floats, %d threads): %.1f GB/s%n", mb, threads, r.readGbs());
        System.out.printf("triad (a = b + s*c, 3 x %d MB, %d threads): %.1f GB/s (bytes moved: 3 per element, no write-allocate counted)%n",
                mb / 3, threads, r.triadGbs());
    }

    /** Measures both kernels: reads over {@code totalBytes}, the triad over three arrays of a third each. */
    public static Result measure(long totalBytes, int threads, int repeat) throws Exception {
        float[] big = filled(Math.toIntExact(totalBytes / Float.BYTES));
        int third = big.length / 3;
        float[] a = new float[third];
        float[] b = filled(third);
        float[] c = filled(third);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double read = 0;
            double triad = 0;
            for (int i = 0; i < repeat + 1; i++) {  // the first round warms up the JIT and touches every page
                long t0 = System.nanoTime();
                parallel(pool, threads, big.length, (from, to) -> sum(big, from, to));
                long t1 = System.nanoTime();
                parallel(pool, threads, third, (from, to) -> {
                    triad(a, b, c, 1.5f, from, to);
                    return a[from];
                });
                long t2 = System.nanoTime();
                if (i > 0) {
                    read = Math.max(read, (double) big.length * Float.BYTES / (t1 - t0));
                    triad = Math.max(triad, 3.0 * third * Float.BYTES / (t2 - t1));
                }
            }
            return new Result(read, triad, threads, totalBytes);
        } finally {
            pool.shutdown();
        }
    }

    private interface RangeTask {
        float run(int from, int to);
    }

    private static float parallel(ExecutorService pool, int threads, int length, RangeTask task) throws Exception {
        Future<?>[] parts = new Future<?>[threads];
        int chunk = (length + threads - 1) / threads;
        for (int t = 0; t < threads; t++) {
            int from = Math.min(length, t * chunk);
            int to = Math.min(length, from + chunk);
            parts[t] = pool.submit(() -> task.run(from, to));
        }
        float sink = 0;
        for (Future<?> f : parts) {
            sink += (Float) f.get();
        }
        return sink;
    }

    /** Eight independent accumulators: a single float sum is latency-bound, not memory-bound. */
    static float sum(float[] x, int from, int to) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
            s4 += x[i + 4];
            s5 += x[i + 5];
            s6 += x[i + 6];
            s7 += x[i + 7];
        }
        for (; i < to; i++) {
            s0 += x[i];
        }
        return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
    }

    static void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = b[i] + s * c[i];
        }
    }

    private static float[] filled(int n) {
        float[] x = new float[n];
        Arrays.fill(x, 1f);
        return x;
    }
}
