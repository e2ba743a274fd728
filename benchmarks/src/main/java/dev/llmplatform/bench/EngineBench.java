package dev.llmplatform.bench;

import dev.llmplatform.inference.engine.EngineRequest;
import dev.llmplatform.inference.engine.EngineSettings;
import dev.llmplatform.inference.engine.InferenceEngine;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.ExecutionDevice;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.onnx.GraphForm;
import dev.llmplatform.onnx.WeightQuantization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The inference engine in-process (no Kafka): single-stream and aggregate tokens/s at several
 * concurrency levels, time to first token, inter-token latency, and the fraction of the memory
 * bandwidth roofline reached, for float32, int8 and int4 weights of one model, plus the eval-loss
 * change quantization causes. Greedy decoding, no stop token, fixed prompt and output lengths.
 *
 * <pre>
 * benchmarks/run.sh EngineBench --model=gpt2 --formats=fp32,int8,int4 --streams=1,4,16,64 --prompt=32 --new=32
 * benchmarks/run.sh EngineBench --model=small   (the trained starter package if present, re-exported in each format)
 * </pre>
 * Options: {@code --device=cpu|cuda|auto} (default: system property {@code llm.inference.device}, else cpu),
 * {@code --threads=2} (ONNX Runtime intra-op threads), {@code --repeat=2} (runs per level; the median
 * decode rate is reported), {@code --bandwidth-gbs=N} (skip the bandwidth probe), {@code --eval-tokens=96},
 * {@code --accuracy-level=4} (MatMulNBits accuracy_level of the quantized graphs; 0 = float activations), {@code --intermediate=2048},
 * {@code --spin=true} (ONNX Runtime's spinning workers, as the platform's {@code llm.inference.spinning}),
 * {@code --forms=plain,fused} (graph forms to compare, each format written in each; default plain). The repeats run in
 * alternating rounds over all models (decode-rate median per model and level).
 */
public final class EngineBench {

    private EngineBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String model = args.string("model", "small");
        List<String> formats = args.strings("formats", "fp32,int8,int4");
        List<Integer> levels = args.integers("streams", "1,4,16,64");
        int prompt = args.integer("prompt", 32);
        int newTokens = args.integer("new", 64);
        int repeat = args.integer("repeat", 2);
        int threads = args.integer("threads", 2);
        ExecutionDevice device = ExecutionDevice.parse(args.string("device", System.getProperty("llm.inference.device", "cpu")));
        System.out.println(Args.machineLine());

        double gbs = args.decimal("bandwidth-gbs", 0);
        if (gbs <= 0) {
            gbs = BandwidthProbe.measure(256L << 20, Runtime.getRuntime().availableProcessors(), 3).readGbs();
            System.out.printf("memory read bandwidth (probe, 256 MB): %.1f GB/s%n", gbs);
        }
        Path dir = BenchModels.tempDir("llm-bench-");
        List<BenchModels.OnnxModel> models = models(args, model, formats, dir);

        // Every model's session stays open; the levels run in rounds that alternate the models, so a neighbour's
        // build slowing the machine hits each model alike. The median round per model and level is reported.
        EvalLoss.Reference reference = null;
        List<String> evals = new ArrayList<>();
        double firstLoss = 0;
        List<OnnxDecoder> decoders = new ArrayList<>();
        try {
            for (BenchModels.OnnxModel m : models) {
                long t0 = System.nanoTime();
                OnnxDecoder decoder = OnnxDecoder.open(m.onnx(), m.config(),
                        new DecoderOptions(device, threads, args.integer("cuda-device", 0))
                                .withSpinning(Boolean.parseBoolean(args.string("spin", "true"))));
                decoders.add(decoder);
                System.out.printf("%s %s: session open in %.1f s on %s%n", m.name(), m.label(),
                        (System.nanoTime() - t0) / 1e9, decoder.device());
                EvalLoss.Result loss = EvalLoss.measure(decoder, m.config().bosTokenId(), args.integer("eval-tokens", 96), reference);
                if (reference == null) {
                    reference = loss.reference();
                }
                System.out.printf("  eval: loss %.4f nats/token on %d tokens sampled from the first, top-1 agreement with it %.1f%%%n",
                        loss.loss(), loss.reference().text().length - 1, 100 * loss.agreement());
                evals.add(String.format("| %s | %.4f | %+.4f | %.1f%% |", m.label(), loss.loss(),
                        loss.loss() - (evals.isEmpty() ? loss.loss() : firstLoss), 100 * loss.agreement()));
                if (evals.size() == 1) {
                    firstLoss = loss.loss();
                }
                warmUp(decoder, prompt);
            }
            List<List<List<StreamRecorder.Summary>>> runs = new ArrayList<>();
            models.forEach(m -> {
                List<List<StreamRecorder.Summary>> perLevel = new ArrayList<>();
                levels.forEach(l -> perLevel.add(new ArrayList<>()));
                runs.add(perLevel);
            });
            for (int r = 0; r < repeat; r++) {
                for (int li = 0; li < levels.size(); li++) {
                    for (int mi = 0; mi < models.size(); mi++) {
                        StreamRecorder.Summary s = run(decoders.get(mi), levels.get(li), prompt, newTokens, 100 + r);
                        runs.get(mi).get(li).add(s);
                        System.out.printf("round %d %s %d streams: decode %.1f tok/s, TTFT p50 %.0f ms (load %s)%n", r + 1,
                                models.get(mi).label(), levels.get(li), s.decodeTps(), s.ttftP50(), Args.loadAverage());
                    }
                }
            }
            List<String> rows = new ArrayList<>();
            for (int mi = 0; mi < models.size(); mi++) {
                BenchModels.OnnxModel m = models.get(mi);
                Roofline roofline = Roofline.of(m.config(), m.quantization());
                for (int li = 0; li < levels.size(); li++) {
                    int streams = levels.get(li);
                    StreamRecorder.Summary s = median(runs.get(mi).get(li));
                    double past = prompt + (newTokens - 1) / 2.0;
                    double bytes = roofline.bytesPerToken(streams, past);
                    double bound = roofline.tokensPerSecond(gbs, streams, past);
                    rows.add(String.format("| %s | %d | %d | %.1f | %.1f | %.0f / %.0f | %.1f / %.1f | %.2f | %.0f | %.0f%% |",
                            m.label(), streams, s.tokens(), s.aggregateTps(), s.decodeTps(),
                            s.ttftP50(), s.ttftP99(), s.itlP50(), s.itlP99(), bytes / 1e6, bound, 100 * s.decodeTps() / bound));
                }
            }
            System.out.printf("%n%s, prompt %d + %d new tokens, greedy, %s, ONNX Runtime intra-op threads %d, roofline at %.1f GB/s, "
                    + "median of %d alternating rounds%n", models.getFirst().name(), prompt, newTokens, device, threads, gbs, repeat);
            System.out.println("| weights | streams | tokens | aggregate tok/s | decode tok/s | TTFT p50 / p99 ms | ITL p50 / p99 ms "
                    + "| MB read / token | roofline tok/s | of roofline |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.println();
            System.out.println("| weights | eval loss (nats/token) | vs first | top-1 agreement with first |");
            System.out.println("|---|---|---|---|");
            evals.forEach(System.out::println);
            System.out.println("# load average at the end: " + Args.loadAverage());
        } finally {
            decoders.forEach(OnnxDecoder::close);
        }
    }

    private static List<BenchModels.OnnxModel> models(Args args, String model, List<String> formats, Path dir)
            throws Exception {
        BenchModels.Source source = BenchModels.load(model, args.integer("intermediate", 2048));
        System.out.printf("model %s: %,d parameters, %s%n", source.name(), source.weights().config().parameterCount(),
                source.description());
        List<BenchModels.OnnxModel> out = new ArrayList<>();
        for (String f : formats) {
            WeightQuantization q = BenchModels.quantization(f, args.integer("accuracy-level", WeightQuantization.ACCURACY_INT8));
            for (String form : args.strings("forms", "plain")) {
                out.add(BenchModels.write(source.name(), source.weights(), q, GraphForm.parse(form), dir));
            }
        }
        return out;
    }

    /** One small run so the session's lazy initialisation and the JIT are out of the measurement. */
    private static void warmUp(OnnxDecoder decoder, int prompt) throws InterruptedException {
        run(decoder, 2, prompt, 4, 1);
    }

    private static StreamRecorder.Summary median(List<StreamRecorder.Summary> runs) {
        List<StreamRecorder.Summary> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(StreamRecorder.Summary::decodeTps));
        return sorted.get(sorted.size() / 2);
    }

    /** Submits {@code streams} greedy requests at once to a fresh engine and waits for all of them. */
    static StreamRecorder.Summary run(OnnxDecoder decoder, int streams, int prompt, int newTokens, long seed)
            throws InterruptedException {
        return run(decoder, randomPrompts(streams, prompt, decoder.vocabSize(), seed), newTokens, "bench-" + seed);
    }

    static List<int[]> randomPrompts(int streams, int prompt, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            prompts.add(random.ints(prompt, 3, vocab).toArray());
        }
        return prompts;
    }

    /** These prompts at once, greedy, no stop token, whole-prompt prefill, no prefix cache (the workload PlatformBench repeats over HTTP). */
    static StreamRecorder.Summary run(OnnxDecoder decoder, List<int[]> prompts, int newTokens, String idPrefix)
            throws InterruptedException {
        int streams = prompts.size();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        long kvBytes = (long) streams * (longest + newTokens) * decoder.kvBytesPerToken() * 2 + (64L << 20);
        StreamRecorder recorder = new StreamRecorder(streams);
        try (InferenceEngine engine = new InferenceEngine("bench", decoder,
                new EngineSettings(streams, kvBytes, streams + 1, 0), recorder).start()) {
            for (int i = 0; i < streams; i++) {
                String id = idPrefix + "-" + i;
                recorder.submitted(id, newTokens);
                engine.submit(EngineRequest.greedy(id, prompts.get(i), newTokens));
            }
            recorder.await(1800);
        }
        return recorder.summary();
    }
}
