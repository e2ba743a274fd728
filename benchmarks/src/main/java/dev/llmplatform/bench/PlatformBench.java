package dev.llmplatform.bench;

import dev.llmplatform.inference.engine.kv.KvCacheBudget;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.onnx.WeightQuantization;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The whole platform (gateway HTTP + Kafka + tokenizer + inference, one JVM, {@link InProcessPlatform})
 * against the in-process engine, on the same model and the same workload: N streamed greedy
 * completions at once, each with its own prompt of about {@code --prompt} tokens and exactly
 * {@code --new} new tokens. The engine gets the very token ids the platform's tokenizer made of the
 * texts, and the same engine settings (batch N, whole-prompt prefill, no prefix cache). Levels run
 * engine then platform, {@code --repeat} times; the median by aggregate rate is shown.
 *
 * <pre>
 * ./mvnw -B -o -q -pl launcher compile    # run.sh puts launcher/target/classes on the classpath
 * benchmarks/run.sh PlatformBench --model=small --streams=1,4,16,64 --prompt=32 --new=64
 * JAVA_OPTS=-Xmx8g benchmarks/run.sh PlatformBench --model=gpt2 --streams=1,4,16 --prompt=32 --new=64
 * </pre>
 * {@code --platform-args=k=v;k=v} passes more settings to every service. The table also gives the
 * process CPU time per generated token of each side: what the HTTP/Kafka path costs on shared cores.
 */
public final class PlatformBench {

    private static final String[] WORDS = {"the", "cat", "dog", "sat", "on", "a", "mat", "near", "Tom", "and", "Anna",
            "because", "it", "was", "too", "big", "small", "river", "horse", "key", "found", "her", "book", "lamp", "box"};

    private PlatformBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        List<Integer> levels = args.integers("streams", "1,4,16");
        int promptTokens = args.integer("prompt", 32);
        int newTokens = args.integer("new", 64);
        int repeat = args.integer("repeat", 1);
        int threads = args.integer("threads", 2);
        int maxStreams = Collections.max(levels);
        System.out.println(Args.machineLine());

        Path data = BenchModels.tempDir("llm-platform-bench-");
        Model model = prepare(args.string("model", "small"), data.resolve("models"));
        ModelConfig config = model.config();
        long kvBytes = (long) maxStreams * (promptTokens + newTokens + 8) * KvCacheBudget.bytesPerToken(config.layers(), config.kvHeads(), config.headDim()) * 2 + (64L << 20);
        Map<String, String> engine = new java.util.LinkedHashMap<>(Map.of(
                "llm.inference.device", "cpu",
                "llm.inference.intra-op-threads", String.valueOf(threads),
                "llm.inference.max-batch-size", String.valueOf(maxStreams),
                "llm.inference.kv-cache-bytes", (kvBytes >> 20) + "MB",
                "llm.inference.prefill-chunk-tokens", "0",
                "llm.inference.prefix-cache-bytes", "0",
                "llm.inference.preload", model.name()));
        // --platform-args=key=value;key=value: more settings for every service (e.g. Kafka client properties).
        for (String kv : args.string("platform-args", "").split(";")) {
            if (kv.contains("=")) {
                engine.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        long t0 = System.nanoTime();
        try (InProcessPlatform platform = InProcessPlatform.start(data, model.seed(), engine);
             OnnxDecoder decoder = OnnxDecoder.open(model.onnx(), config, DecoderOptions.cpu(threads))) {
            System.out.printf("platform up in %.1f s at %s, model %s (%,d parameters)%n", (System.nanoTime() - t0) / 1e9,
                    platform.baseUrl(), model.name(), config.parameterCount());
            SseLoad http = new SseLoad(platform.baseUrl(), model.name());
            List<String> texts = new ArrayList<>();
            List<int[]> ids = new ArrayList<>();
            for (int i = 0; i < maxStreams; i++) {
                String text = promptOf(http, promptTokens, i);
                texts.add(text);
                ids.add(http.tokenize(text).stream().mapToInt(Integer::intValue).toArray());
            }
            // Warm-up: JIT, HTTP connections, Kafka consumers and the engine's first steps.
            http.run(texts.subList(0, Math.min(4, maxStreams)), 4, config.eosTokenId(), "warm");
            EngineBench.run(decoder, ids.subList(0, Math.min(4, maxStreams)), 4, "warm");

            long idle0 = cpuNanos();
            Thread.sleep(5000);
            System.out.printf("idle platform: %.0f%% of one core (process CPU over 5 s with no request)%n",
                    (cpuNanos() - idle0) / 5e9 * 100);
            List<String> rows = new ArrayList<>();
            for (int streams : levels) {
                List<StreamRecorder.Summary> engineRuns = new ArrayList<>();
                List<SseLoad.Result> httpRuns = new ArrayList<>();
                double[] cpu = new double[2];
                for (int r = 0; r < repeat; r++) {
                    long c0 = cpuNanos();
                    engineRuns.add(EngineBench.run(decoder, ids.subList(0, streams), newTokens, "engine-" + streams + "-" + r));
                    long c1 = cpuNanos();
                    httpRuns.add(http.run(texts.subList(0, streams), newTokens, config.eosTokenId(), "http-" + streams + "-" + r));
                    cpu[0] += (c1 - c0) / 1e6 / ((double) streams * newTokens * repeat);
                    cpu[1] += (cpuNanos() - c1) / 1e6 / ((double) streams * newTokens * repeat);
                }
                engineRuns.sort(Comparator.comparingDouble(StreamRecorder.Summary::aggregateTps));
                httpRuns.sort(Comparator.comparingDouble(SseLoad.Result::aggregateTps));
                String row = row(streams, engineRuns.get(repeat / 2), httpRuns.get(repeat / 2), ids.subList(0, streams), cpu);
                System.out.println(row);
                rows.add(row);
            }
            System.out.printf("%n%s, ~%d-token prompts + %d new tokens, greedy, ONNX Runtime intra-op threads %d, CPU%n",
                    model.name(), promptTokens, newTokens, threads);
            System.out.println("| streams | prompt tokens | engine agg tok/s | platform agg tok/s | Δ throughput | engine decode tok/s"
                    + " | platform decode tok/s | engine TTFT p50 / p99 ms | platform TTFT p50 / p99 ms | Δ TTFT p50 ms"
                    + " | engine ITL p50 / p99 ms | platform ITL p50 / p99 ms | tokens / SSE chunk | CPU ms / token engine / platform | load |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
        }
    }

    /** CPU time of this whole process (all threads, ONNX Runtime's native ones included). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String row(int streams, StreamRecorder.Summary e, SseLoad.Result h, List<int[]> prompts, double[] cpu) {
        StreamRecorder.Summary p = h.summary();
        double meanPrompt = prompts.stream().mapToInt(x -> x.length).average().orElse(0);
        String promptNote = h.promptTokens() == Math.round(meanPrompt * streams)
                ? String.format("%.1f", meanPrompt) : String.format("%.1f (usage %d)", meanPrompt, h.promptTokens());
        return String.format("| %d | %s | %.1f | %.1f | %+.1f%% | %.1f | %.1f | %.0f / %.0f | %.0f / %.0f | %+.0f | %.1f / %.1f | %.1f / %.1f | %.2f | %.1f / %.1f | %s |",
                streams, promptNote, e.aggregateTps(), h.aggregateTps(), 100 * (h.aggregateTps() / e.aggregateTps() - 1),
                e.decodeTps(), p.decodeTps(), e.ttftP50(), e.ttftP99(), p.ttftP50(), p.ttftP99(), p.ttftP50() - e.ttftP50(),
                e.itlP50(), e.itlP99(), p.itlP50(), p.itlP99(), (double) h.completionTokens() / Math.max(1, h.events()),
                cpu[0], cpu[1], Args.loadAverage().split(" ")[0]);
    }

    /**
     * A text of exactly {@code tokens} tokens when the tokenizer allows it: words from a seeded list,
     * cut at the token count and read back through the tokenizer.
     */
    static String promptOf(SseLoad http, int tokens, int seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed * 7919L + 1);
        StringBuilder text = new StringBuilder();
        List<Integer> ids = List.of();
        while (ids.size() < tokens + 2) {
            for (int i = 0; i < 8; i++) {
                text.append(text.isEmpty() ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            ids = http.tokenize(text.toString());
        }
        String best = text.toString();
        for (int cut = tokens; cut > 0; cut--) {
            String candidate = http.detokenize(ids.subList(0, cut));
            int count = http.tokenize(candidate).size();
            if (count == tokens) {
                return candidate;
            }
            if (count < tokens) {
                return best;  // no exact cut: the closest longer text
            }
            best = candidate;
        }
        return best;
    }

    /** A model package the platform serves, and where the engine reads the same graph. */
    record Model(String name, ModelConfig config, Path onnx, Path seed) {
    }

    /**
     * {@code small}: the trained starter package (seeded into the store by the launcher, as in a real start);
     * {@code gpt2}: the GPT-2-small-sized random model, float32, with a placeholder tokenizer (one token per byte).
     */
    static Model prepare(String which, Path store) throws Exception {
        if (which.equals("gpt2")) {
            ModelConfig c = BenchModels.gpt2Small(2048);
            ModelPackage p = ModelPackageWriter.write(new ModelStore(store), "gpt2-bench", "1", "decoder",
                    c.parameterCount(), null, Map.of(), "GPT-2-small-sized Llama, seeded random weights (benchmark)", dir -> {
                        LlamaOnnxWriter.write(BenchModels.randomWeights(c), dir.resolve(ModelPackage.MODEL),
                                LlamaOnnxWriter.Options.quantized(WeightQuantization.NONE));
                        ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), c);
                        ModelPackageWriter.writeJson(dir.resolve(ModelPackage.GENERATION_CONFIG),
                                Map.of("bos_token_id", c.bosTokenId(), "eos_token_id", c.eosTokenId()));
                        PlaceholderTokenizer.write(c, dir);
                    });
            return new Model(p.name(), c, p.modelFile(), null);
        }
        Path dir = BenchModels.packagedSmallModel().filter(p -> p.startsWith("models"))
                .orElseThrow(() -> new IllegalStateException("models/starter/1 is missing: run from the repository root"));
        ModelConfig c = ModelPackage.open("starter", "1", dir).decoderConfig();
        Files.createDirectories(store);
        return new Model("starter", c, dir.resolve(ModelPackage.MODEL), dir.getParent().getParent());
    }
}
