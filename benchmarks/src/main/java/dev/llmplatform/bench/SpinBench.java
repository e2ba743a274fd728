package dev.llmplatform.bench;

import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.onnx.GraphForm;
import dev.llmplatform.onnx.WeightQuantization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code llm.inference.spinning} where it could hurt: several engines (one session each, as an inference
 * service serving several models) decoding at the same time on the same cores, ONNX Runtime's workers spinning
 * or sleeping; rounds alternate the two settings, aggregate decode tok/s per round.
 *
 * <pre>
 * benchmarks/run.sh SpinBench --model=gpt2 --format=int4 --engines=1,2 --streams=1 --steps=64 --rounds=3
 * </pre>
 */
public final class SpinBench {

    private SpinBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int threads = args.integer("threads", 2);
        int streams = args.integer("streams", 1);
        int steps = args.integer("steps", 64);
        int prompt = args.integer("prompt", 32);
        System.out.println(Args.machineLine());
        BenchModels.Source source = BenchModels.load(args.string("model", "gpt2"), args.integer("intermediate", 2048));
        WeightQuantization q = BenchModels.quantization(args.string("format", "int4"), WeightQuantization.ACCURACY_INT8);
        BenchModels.OnnxModel model = BenchModels.write(source.name(), source.weights(), q, GraphForm.FUSED,
                BenchModels.tempDir("llm-spinbench-"));
        System.out.println("| engines | streams each | round | spinning | aggregate decode tok/s |");
        System.out.println("|---|---|---|---|---|");
        for (int engines : args.integers("engines", "1,2")) {
            for (int round = 0; round < args.integer("rounds", 3); round++) {
                for (boolean spin : round % 2 == 0 ? new boolean[]{false, true} : new boolean[]{true, false}) {
                    double tps = run(model, engines, streams, prompt, steps, DecoderOptions.cpu(threads).withSpinning(spin));
                    System.out.printf("| %d | %d | %d | %s | %.1f |  (load %s)%n", engines, streams, round + 1, spin, tps,
                            Args.loadAverage());
                }
            }
        }
    }

    /** Every engine prefills its streams, then all decode {@code steps} steps at once; tokens over the slowest's time. */
    private static double run(BenchModels.OnnxModel model, int engines, int streams, int prompt, int steps,
                              DecoderOptions options) throws Exception {
        List<OnnxDecoder> decoders = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(engines);
        try {
            for (int e = 0; e < engines; e++) {
                decoders.add(OnnxDecoder.open(model.onnx(), model.config(), options));
            }
            List<Future<Long>> done = new ArrayList<>();
            long t0 = System.nanoTime();
            for (OnnxDecoder decoder : decoders) {
                done.add(pool.submit(() -> decode(decoder, streams, prompt, steps)));
            }
            long decodeNanos = 0;
            for (Future<Long> f : done) {
                decodeNanos = Math.max(decodeNanos, f.get());
            }
            return engines * streams * steps / (decodeNanos / 1e9);
        } finally {
            pool.shutdown();
            for (OnnxDecoder decoder : decoders) {
                decoder.close();
            }
        }
    }

    /** Nanoseconds the decode steps took (the prefills and two warm-up steps not counted). */
    private static long decode(OnnxDecoder decoder, int streams, int prompt, int steps) {
        SplittableRandom random = new SplittableRandom(20261207L);
        List<KvCache> caches = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            KvCache cache = decoder.newCache(prompt + steps + 2);
            decoder.step(List.of(cache), List.of(random.ints(prompt, 3, decoder.vocabSize()).toArray()), false);
            caches.add(cache);
        }
        long start = 0;
        for (int i = 0; i < steps + 2; i++) {
            if (i == 2) {
                start = System.nanoTime();
            }
            List<int[]> next = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                next.add(new int[]{random.nextInt(3, decoder.vocabSize())});
            }
            decoder.step(caches, next, false);
        }
        long took = System.nanoTime() - start;
        caches.forEach(KvCache::release);
        return took;
    }
}
