package dev.llmplatform.bench;

import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.onnx.GraphForm;
import dev.llmplatform.onnx.KvPrecision;
import dev.llmplatform.onnx.WeightQuantization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The plain and the fused graph form of the same weights, step against step: both sessions open side by
 * side, every prefill and every decode step run once in each form, alternating which goes first, and the
 * medians compared. On a machine shared with other builds (load changing by the second) this pairing is
 * what makes the two comparable; EngineBench's whole runs a minute apart are not.
 *
 * <pre>
 * benchmarks/run.sh FormBench --model=gpt2 --formats=fp32,int8,int4 --streams=1,16 --prompt=32 --steps=64
 * </pre>
 * Reported per format and stream count: prefill of one {@code --prompt}-token prompt (ms, the engine's
 * time to first token without queueing), decode step (ms) and tokens/s (streams / step), the weight and
 * KV bytes a token reads (Roofline) and the GB/s that makes; {@code --threads=2} intra-op threads.
 * {@code --pair=kv} pairs the fused form with a float32 KV cache against the fused form with a float16 one
 * ({@code KvPrecision}) instead of plain against fused, and adds each format's eval loss and top-1 agreement
 * ({@link EvalLoss}) of the float16 cache against the float32 one.
 * {@code --pair=issue} pairs the plain form with issue 16's day's quantization (blocks of 32, the tied table stored
 * twice) against today's default fused form: the speed-up the issue's targets are stated in.
 * {@code --spin=a,b}: ONNX Runtime's spinning intra-op workers for each column (default {@code true,true}, the
 * platform's {@code llm.inference.spinning}; {@code false,true} with {@code --pair=issue}, as the issue's day ran).
 * {@code --profile=DIR} instead runs ONNX Runtime's profiler over one stream's decode steps in each form
 * ({@link FormProfile}): time per step by operator type; {@code --profile-what=prefill} profiles {@code --steps}
 * prefills of one prompt instead.
 */
public final class FormBench {

    /** Prefills timed per level at least, however few the streams (the extra sequences are dropped at once). */
    private static final int PREFILLS = 16;

    private FormBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        List<String> formats = args.strings("formats", "fp32,int8,int4");
        List<Integer> levels = args.integers("streams", "1,16");
        int prompt = args.integer("prompt", 32);
        int steps = args.integer("steps", 64);
        int threads = args.integer("threads", 2);
        System.out.println(Args.machineLine());
        BenchModels.Source source = BenchModels.load(args.string("model", "gpt2"), args.integer("intermediate", 2048));
        Path dir = BenchModels.tempDir("llm-formbench-");
        if (args.string("profile", null) != null) {
            FormProfile.run(source, formats, dir, Path.of(args.string("profile", null)), prompt, steps, threads,
                    args.integer("accuracy-level", WeightQuantization.ACCURACY_INT8),
                    args.string("profile-what", "decode").equals("prefill"));
            return;
        }
        boolean kvPair = args.string("pair", "forms").equals("kv");
        boolean issuePair = args.string("pair", "forms").equals("issue");
        String[] labels = kvPair ? new String[]{"fused fp32 KV", "fused fp16 KV"}
                : issuePair ? new String[]{"issue-day plain", "today's default"} : new String[]{"plain", "fused"};
        // --spin=a,b: ONNX Runtime's spinning intra-op workers per column; the platform spins (llm.inference.spinning),
        // issue 16's day did not
        List<Boolean> spin = args.strings("spin", issuePair ? "false,true" : "true,true").stream()
                .map(Boolean::parseBoolean).toList();
        List<String> rows = new ArrayList<>();
        List<String> evals = new ArrayList<>();
        for (String f : formats) {
            WeightQuantization q = BenchModels.quantization(f, args.integer("accuracy-level", WeightQuantization.ACCURACY_INT8));
            BenchModels.OnnxModel plainModel = kvPair
                    ? BenchModels.write(source.name(), source.weights(), q, GraphForm.FUSED, dir)
                    : BenchModels.write(source.name(), source.weights(), issuePair ? issueDay(q) : q, GraphForm.PLAIN, dir);
            BenchModels.OnnxModel fusedModel = BenchModels.write(source.name(), source.weights(), q, GraphForm.FUSED,
                    kvPair ? KvPrecision.FP16 : KvPrecision.FP32, dir);
            try (OnnxDecoder plain = OnnxDecoder.open(plainModel.onnx(), plainModel.config(),
                    DecoderOptions.cpu(threads).withSpinning(spin.get(0)));
                 OnnxDecoder fused = OnnxDecoder.open(fusedModel.onnx(), fusedModel.config(),
                         DecoderOptions.cpu(threads).withSpinning(spin.get(1)))) {
                OnnxDecoder[] forms = {plain, fused};
                Roofline roofline = Roofline.of(plainModel.config(), issuePair ? issueDay(q) : q);
                Roofline[] roofs = {roofline, kvPair ? roofline.withKvElementBytes(2) : Roofline.of(plainModel.config(), q)};
                if (kvPair) {
                    int bos = plainModel.config().bosToken() == null ? 0 : plainModel.config().bosToken();
                    EvalLoss.Result full = EvalLoss.measure(plain, bos, 96, null);
                    EvalLoss.Result half = EvalLoss.measure(fused, bos, 96, full.reference());
                    evals.add(String.format("| %s | %.4f | %.4f | %+.4f | %.1f%% |", q.format(), full.loss(), half.loss(),
                            half.loss() - full.loss(), 100 * half.agreement()));
                    System.out.println(evals.getLast());
                }
                run(forms, 2, prompt, 4, 0);   // warm-up: lazy initialisation and the JIT
                for (int streams : levels) {
                    double[][] prefillMs = new double[2][Math.max(streams, PREFILLS)];
                    double[][] stepMs = new double[2][steps];
                    runInto(forms, streams, prompt, steps, prefillMs, stepMs);
                    double past = prompt + (steps - 1) / 2.0;
                    double[] tpsOf = new double[2];
                    for (int form = 0; form < 2; form++) {
                        double mb = roofs[form].bytesPerToken(streams, past) / 1e6;
                        double step = median(stepMs[form]);
                        double tps = streams * 1000 / step;
                        tpsOf[form] = tps;
                        rows.add(String.format("| %s | %s | %d | %.1f | %.2f | %.1f | %.1f | %.1f |%s", q.format(),
                                labels[form], streams, median(prefillMs[form]), step, tps, mb, mb * tps / 1000,
                                form == 1 ? String.format(" %.2f× |", tps / tpsOf[0]) : " |"));
                        System.out.println(rows.getLast() + "  (load " + Args.loadAverage() + ")");
                    }
                }
            }
        }
        System.out.printf("%n%s, prompt %d, %d decode steps, ONNX Runtime intra-op threads %d, medians of paired runs%n",
                source.name(), prompt, steps, threads);
        System.out.println("| weights | form | streams | prefill ms (TTFT) | decode step ms | decode tok/s | MB read / token | GB/s | "
                + labels[1] + " ÷ " + labels[0] + " (decode) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        if (kvPair) {
            System.out.printf("%nEval loss on %d tokens sampled from the fp32-KV model (EvalLoss, one prefill)%n", 96);
            System.out.println("| weights | fp32 KV loss | fp16 KV loss | Δ | top-1 = fp32 KV |");
            System.out.println("|---|---|---|---|---|");
            evals.forEach(System.out::println);
        }
        System.out.println("# load average at the end: " + Args.loadAverage());
    }

    /**
     * {@code --pair=issue}: what issue 16 was measured against — the plain form with the quantization of its day
     * (MatMulNBits blocks of 32, a tied table stored again beside the quantized head) — against today's default
     * (the fused form, blocks of 128, the table shared with the head).
     */
    private static WeightQuantization issueDay(WeightQuantization today) {
        return today.quantized() ? today.withBlockSize(32).withSharedEmbedding(false) : today;
    }

    private static void run(OnnxDecoder[] forms, int streams, int prompt, int steps, long seed) {
        runInto(forms, streams, prompt, steps, new double[2][Math.max(streams, PREFILLS)], new double[2][steps]);
    }

    /** Prefills {@code streams} prompts one by one, then decodes them together; each run timed in both forms, paired. */
    private static void runInto(OnnxDecoder[] forms, int streams, int prompt, int steps, double[][] prefillMs, double[][] stepMs) {
        SplittableRandom random = new SplittableRandom(20261206L);
        int vocab = forms[0].vocabSize();
        List<List<KvCache>> caches = List.of(new ArrayList<>(), new ArrayList<>());
        for (int s = 0; s < prefillMs[0].length; s++) {
            int[] tokens = random.ints(prompt, 3, vocab).toArray();
            for (int k = 0; k < 2; k++) {
                int form = (s + k) % 2;   // alternate which form goes first
                KvCache cache = forms[form].newCache(prompt + steps);
                long t0 = System.nanoTime();
                forms[form].step(List.of(cache), List.of(tokens), false);
                prefillMs[form][s] = (System.nanoTime() - t0) / 1e6;
                if (s < streams) {
                    caches.get(form).add(cache);
                } else {
                    cache.release();
                }
            }
        }
        for (int i = 0; i < steps; i++) {
            List<int[]> next = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                next.add(new int[]{random.nextInt(3, vocab)});
            }
            for (int k = 0; k < 2; k++) {
                int form = (i + k) % 2;
                long t0 = System.nanoTime();
                forms[form].step(caches.get(form), next, false);
                stepMs[form][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        caches.forEach(list -> list.forEach(KvCache::release));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
