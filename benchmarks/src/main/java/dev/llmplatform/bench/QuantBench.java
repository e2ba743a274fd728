package dev.llmplatform.bench;

import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.onnx.GraphForm;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.onnx.WeightQuantization;
import dev.llmplatform.onnx.WeightQuantization.Format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The quantization settings side by side (issue 16, item 3): block size, zero points or not, the LM head's format.
 * Speed: every variant of the GPT-2-small-sized random model open at once in one JVM, each prefill and each decode
 * step run once in every variant, the order rotating, medians (as {@link FormBench} pairs two forms). Accuracy:
 * {@link QuantEval} on the trained starter and a sharper random model.
 *
 * <pre>
 * benchmarks/run.sh QuantBench --streams=1,16 --prompt=16 --steps=32 --eval-model=models/starter/1
 * </pre>
 * Variants are labels ({@link WeightQuantization#label()}): {@code fp32}, {@code int4-b64-zp-head-int8}, ...;
 * {@code --form=fused|plain} (default fused, what the engine serves); {@code --speed=false} or
 * {@code --eval=false} skip a half.
 */
public final class QuantBench {

    static final String VARIANTS = "fp32,int8-b32-sym-head-int8,int8-b128-sym-head-int8,int8-b32-sym-head-fp32,"
            + "int4-b32-sym-head-int4,int4-b64-sym-head-int4,int4-b128-sym-head-int4,"
            + "int4-b32-zp-head-int4,int4-b64-zp-head-int4,int4-b128-zp-head-int4,"
            + "int4-b32-sym-head-int8,int4-b32-sym-head-fp32";

    private QuantBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        List<WeightQuantization> variants = args.strings("variants", VARIANTS).stream().map(QuantBench::parse).toList();
        System.out.println(Args.machineLine());
        if (Boolean.parseBoolean(args.string("eval", "true"))) {
            QuantEval.run(args, variants);
        }
        if (Boolean.parseBoolean(args.string("speed", "true"))) {
            speed(args, variants);
        }
        System.out.println("# load average at the end: " + Args.loadAverage());
    }

    /** {@code fp32} or {@code int4-b64-zp-head-int8[-shared]} (format, block size, sym|zp, the head's format, tied table shared). */
    static WeightQuantization parse(String label) {
        String[] p = label.toLowerCase(Locale.ROOT).split("-");
        if (p[0].equals("fp32")) {
            return WeightQuantization.NONE;
        }
        if (p.length < 5 || p.length > 6 || !p[1].startsWith("b") || !p[3].equals("head")
                || (p.length == 6 && !p[5].equals("shared"))) {
            throw new IllegalArgumentException("variant '" + label + "' is not like int4-b32-sym-head-int8[-shared]");
        }
        Format format = Format.valueOf(p[0].toUpperCase(Locale.ROOT));
        return new WeightQuantization(format, Integer.parseInt(p[1].substring(1)), p[2].equals("sym"),
                Format.valueOf(p[4].toUpperCase(Locale.ROOT)), WeightQuantization.ACCURACY_INT8, p.length == 6);
    }

    /** Writes one variant; returns the file (a single-file graph: its size is the bytes on disk). */
    static Path write(LlamaWeights weights, WeightQuantization q, GraphForm form, Path dir, String name) {
        Path file = dir.resolve(name + "-" + q.label() + "-" + form.label() + ".onnx");
        LlamaOnnxWriter.write(weights, file, LlamaOnnxWriter.Options.quantized(q).withForm(form));
        return file;
    }

    private static void speed(Args args, List<WeightQuantization> variants) throws IOException {
        List<Integer> levels = args.integers("streams", "1,16");
        int prompt = args.integer("prompt", 16);
        int steps = args.integer("steps", 32);
        int threads = args.integer("threads", 2);
        GraphForm form = GraphForm.valueOf(args.string("form", "fused").toUpperCase(Locale.ROOT));
        BenchModels.Source source = BenchModels.load("gpt2", args.integer("intermediate", 2048));
        ModelConfig c = source.weights().config();
        Path dir = BenchModels.tempDir("llm-quantbench-");
        int n = variants.size();
        OnnxDecoder[] decoders = new OnnxDecoder[n];
        long[] fileBytes = new long[n];
        long[] rssBytes = new long[n];
        try {
            for (int v = 0; v < n; v++) {
                long t0 = System.nanoTime();
                Path file = write(source.weights(), variants.get(v), form, dir, "gpt2");
                fileBytes[v] = Files.size(file);
                long rss = residentBytes();
                decoders[v] = OnnxDecoder.open(file, c, DecoderOptions.cpu(threads));
                KvCache cache = decoders[v].newCache(2);
                decoders[v].step(List.of(cache), List.of(new int[]{5}), false);
                cache.release();
                rssBytes[v] = residentBytes() - rss;
                System.out.printf("%s: %d MB, written and opened in %.1f s, process RSS +%d MB (load %s)%n",
                        variants.get(v).label(), fileBytes[v] >> 20, (System.nanoTime() - t0) / 1e9, rssBytes[v] >> 20,
                        Args.loadAverage());
            }
            run(decoders, 2, prompt, 4, new double[n][16], new double[n][4]);   // warm-up
            List<String> rows = new ArrayList<>();
            for (int streams : levels) {
                double[][] prefillMs = new double[n][Math.max(streams, 8)];
                double[][] stepMs = new double[n][steps];
                String loadBefore = Args.loadAverage();
                run(decoders, streams, prompt, steps, prefillMs, stepMs);
                double base = streams * 1000 / median(stepMs[0]);
                for (int v = 0; v < n; v++) {
                    WeightQuantization q = variants.get(v);
                    double step = median(stepMs[v]);
                    double tps = streams * 1000 / step;
                    rows.add(String.format("| %s | %d | %.1f | %.2f | %.1f | %.2f× | %.1f | %.0f | %.1f |", q.label(),
                            streams, median(prefillMs[v]), step, tps, tps / base, fileBytes[v] / 1e6, rssBytes[v] / 1e6,
                            Roofline.of(c, q).weightBytesPerStep() / 1e6));
                    System.out.println(rows.getLast());
                }
                System.out.println("# " + streams + " streams: load " + loadBefore + " before, " + Args.loadAverage() + " after");
            }
            System.out.printf("%n%s, %s form, prompt %d, %d decode steps, ONNX Runtime intra-op threads %d, medians of "
                    + "interleaved runs (every step in every variant, order rotating)%n", source.name(), form.label(), prompt,
                    steps, threads);
            System.out.println("| variant | streams | prefill ms | decode step ms | decode tok/s | ÷ first | file MB "
                    + "| RSS + MB (open) | weights MB read / step |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
        } finally {
            for (OnnxDecoder d : decoders) {
                if (d != null) {
                    d.close();
                }
            }
        }
    }

    /** Prefills {@code streams} prompts one at a time, then decodes them together; every run in every variant. */
    private static void run(OnnxDecoder[] decoders, int streams, int prompt, int steps, double[][] prefillMs, double[][] stepMs) {
        int n = decoders.length;
        SplittableRandom random = new SplittableRandom(20261207L);
        int vocab = decoders[0].vocabSize();
        List<List<KvCache>> caches = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            caches.add(new ArrayList<>());
        }
        for (int s = 0; s < prefillMs[0].length; s++) {
            int[] tokens = random.ints(prompt, 3, vocab).toArray();
            for (int k = 0; k < n; k++) {
                int v = (s + k) % n;   // rotate which variant goes first
                KvCache cache = decoders[v].newCache(prompt + steps);
                long t0 = System.nanoTime();
                decoders[v].step(List.of(cache), List.of(tokens), false);
                prefillMs[v][s] = (System.nanoTime() - t0) / 1e6;
                if (s < streams) {
                    caches.get(v).add(cache);
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
            for (int k = 0; k < n; k++) {
                int v = (i + k) % n;
                long t0 = System.nanoTime();
                decoders[v].step(caches.get(v), next, false);
                stepMs[v][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        caches.forEach(list -> list.forEach(KvCache::release));
    }

    /** The process's resident memory (VmRSS): what a session adds, ONNX Runtime's copies and pre-packed weights included. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return 0;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
