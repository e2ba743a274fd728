package dev.llmplatform.bench;

import dev.llmplatform.bench.ServeMetrics.Metrics;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.inference.engine.kv.KvCacheBudget;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.model.ModelConfig;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A serving benchmark on the terms of vLLM's {@code vllm bench serve}: open-loop arrivals (Poisson, or
 * gamma with {@code --burstiness}), random prompts of {@code --input-len} tokens, exactly
 * {@code --output-len} new tokens each ({@code ignore_eos}), an optional client concurrency cap, and
 * vLLM's metric definitions ({@link ServeMetrics}): request and token throughput, TTFT, TPOT, ITL,
 * E2EL, failures and goodput under {@code --goodput} objectives. {@code --sweep=true} also searches the
 * highest request rate that meets the objectives ({@link ServeSweep}).
 *
 * <pre>
 * # any OpenAI-compatible server (this platform, vLLM, …)
 * benchmarks/run.sh ServeBench --base-url=http://localhost:8080 --model=starter --num-prompts=128 \
 *     --input-len=32 --output-len=64 --max-concurrency=1,16 --goodput=ttft:200,tpot:20 --result-file=serve.json
 * # the platform started in this JVM, and the same workload against the in-process engine beside it
 * ./mvnw -B -o -q -pl launcher compile
 * benchmarks/run.sh ServeBench --platform=small --num-prompts=128 --input-len=32 --output-len=64 \
 *     --max-concurrency=1,16 --goodput=ttft:200,tpot:20 --sweep=true
 * </pre>
 * Other options: {@code --request-rate=inf|N[,N…]}, {@code --burstiness=1}, {@code --seed=0},
 * {@code --request-timeout=60} (seconds from a request's send to its end; later it fails),
 * {@code --warmups=8} (requests before each side's runs, not measured; vLLM sends one test prompt),
 * {@code --fixed-length=ignore_eos|min_tokens|none}, {@code --temperature=0|server} (greedy by default;
 * {@code server} leaves it to the server as vLLM does), {@code --sweep-start=4 --sweep-max=1024
 * --sweep-steps=4 --goodput-ratio=0.9 --sweep-seconds=8 --sweep-num-prompts=32 --sweep-max-concurrency=none}, and with {@code --platform}: {@code --threads=2},
 * {@code --max-batch=64}, {@code --platform-args=k=v;k=v}.
 */
public final class ServeBench {

    /** One column of the report: where the requests go. */
    private record Side(String name, Supplier<ServeLoad.Target> open) {
    }

    /** What one side gave in one run. */
    private record Measured(Metrics metrics, List<ServeOutput> outputs, double cpuMsPerToken) {
    }

    private ServeBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        System.out.println(Args.machineLine());
        String platform = args.string("platform", null);
        String baseUrl = args.string("base-url", null);
        if ((platform == null) == (baseUrl == null)) {
            throw new IllegalArgumentException("give either --base-url=http://host:port or --platform=small|gpt2");
        }
        if (platform != null) {
            withPlatform(args, platform);
        } else {
            String model = args.string("model", null);
            if (model == null) {
                model = ServeHttpTarget.firstModel(baseUrl);
            }
            List<ServeLoad.Request> requests = ServePrompts.requests(new SseLoad(baseUrl, model), args, false);
            ServeHttpTarget http = target(args, baseUrl, model);
            run(args, baseUrl, model, requests, List.of(new Side("server", () -> http)), false);
        }
    }

    private static void withPlatform(Args args, String which) throws Exception {
        int threads = args.integer("threads", 2);
        int maxBatch = args.integer("max-batch", 64);
        int inputLen = args.integer("input-len", 32);
        int outputLen = args.integer("output-len", 64);
        Path data = BenchModels.tempDir("llm-platform-serve-");
        PlatformBench.Model model = PlatformBench.prepare(which, data.resolve("models"));
        ModelConfig config = model.config();
        long kvBytes = (long) maxBatch * (inputLen + outputLen + 8)
                * KvCacheBudget.bytesPerToken(config.layers(), config.kvHeads(), config.headDim()) * 2 + (64L << 20);
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "llm.inference.device", "cpu",
                "llm.inference.intra-op-threads", String.valueOf(threads),
                "llm.inference.max-batch-size", String.valueOf(maxBatch),
                "llm.inference.kv-cache-bytes", (kvBytes >> 20) + "MB",
                "llm.inference.prefill-chunk-tokens", "0",
                "llm.inference.prefix-cache-bytes", "0",
                "llm.inference.preload", model.name()));
        for (String kv : args.string("platform-args", "").split(";")) {
            if (kv.contains("=")) {
                settings.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        long t0 = System.nanoTime();
        try (InProcessPlatform p = InProcessPlatform.start(data, model.seed(), settings);
             OnnxDecoder decoder = OnnxDecoder.open(model.onnx(), config, DecoderOptions.cpu(threads)
                     .withSpinning(Boolean.parseBoolean(settings.getOrDefault("llm.inference.spinning", "true"))))) {
            System.out.printf("platform up in %.1f s at %s, model %s (%,d parameters); engine: the same model.onnx in this JVM, "
                            + "batch %d, whole-prompt prefill, no prefix cache, %d intra-op threads%n",
                    (System.nanoTime() - t0) / 1e9, p.baseUrl(), model.name(), config.parameterCount(), maxBatch, threads);
            List<ServeLoad.Request> requests = ServePrompts.requests(new SseLoad(p.baseUrl(), model.name()), args, true);
            ServeHttpTarget http = target(args, p.baseUrl(), model.name());
            double temperature = temperature(args) == null ? 1.0 : temperature(args);
            int maxWaiting = 1 << 20;  // never refuse: the platform queues in Kafka instead (its consumer pauses)
            run(args, p.baseUrl(), model.name(), requests, List.of(
                    new Side("platform", () -> http),
                    new Side("engine", () -> new ServeEngineTarget(decoder, maxBatch, kvBytes, maxWaiting, temperature,
                            config.eosTokenId()))), true);
        }
    }

    private static ServeHttpTarget target(Args args, String baseUrl, String model) {
        return new ServeHttpTarget(baseUrl, model,
                ServeHttpTarget.FixedLength.valueOf(args.string("fixed-length", "ignore_eos").toUpperCase(Locale.ROOT)),
                temperature(args));
    }

    private static Double temperature(Args args) {
        String t = args.string("temperature", "0");
        return t.equals("server") ? null : Double.parseDouble(t);
    }

    private static void run(Args args, String baseUrl, String model, List<ServeLoad.Request> requests, List<Side> sides,
                            boolean inProcess) throws Exception {
        double burstiness = rate(args.string("burstiness", "1"));
        long seed = args.integer("seed", 0);
        long timeout = timeoutNanos(args);
        ServeSlos slos = ServeSlos.parse(args.string("goodput", ""));
        List<Integer> caps = args.strings("max-concurrency", "none").stream()
                .map(c -> c.equals("none") ? 0 : Integer.parseInt(c)).toList();
        List<Double> rates = args.strings("request-rate", "inf").stream().map(ServeBench::rate).toList();
        warmUp(sides, requests, args.integer("warmups", 8));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("machine", Args.machineLine());
        result.put("base_url", baseUrl);
        result.put("model_id", model);
        result.put("num_prompts", requests.size());
        result.put("input_len", args.integer("input-len", 32));
        result.put("output_len", args.integer("output-len", 64));
        result.put("burstiness", rateText(burstiness));
        result.put("seed", seed);
        result.put("goodput", slos.millis());
        List<Map<String, Object>> runs = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<Map<String, Metrics>> columnsPerRun = new ArrayList<>();
        Map<String, List<Map<String, Double>>> extras = new LinkedHashMap<>();
        for (int cap : caps) {
            for (double r : rates) {
                double[] arrivals = ServeArrivals.offsets(requests.size(), r, burstiness, seed);
                Map<String, Measured> measured = new LinkedHashMap<>();
                for (int i = sides.size() - 1; i >= 0; i--) {  // the engine first, as PlatformBench does
                    measured.put(sides.get(i).name(), measure(sides.get(i), requests, arrivals, cap, slos, timeout));
                }
                Map<String, Metrics> columns = new LinkedHashMap<>();
                sides.forEach(s -> columns.put(s.name(), measured.get(s.name()).metrics()));
                List<String> setting = new ArrayList<>();
                setting.add(String.format("%-40s %s", "Maximum request concurrency:", cap == 0 ? "none" : cap));
                setting.add(String.format("%-40s %s", "Request rate configured (RPS):", rateText(r)));
                setting.add(String.format("%-40s %s (%s)", "Burstiness factor:", burstiness, burstiness == 1 ? "Poisson process" : "Gamma distribution"));
                if (!slos.isEmpty()) {
                    setting.add(String.format("%-40s %s", "Goodput objectives (ms):", slos));
                }
                System.out.print(ServeReport.table(columns, setting));
                StringBuilder perChunk = new StringBuilder(String.format("%-40s", "Tokens per chunk (not vLLM's):"));
                sides.forEach(s -> perChunk.append(String.format(" %12.2f", tokensPerChunk(measured.get(s.name()).outputs()))));
                System.out.println(perChunk);
                if (inProcess) {
                    StringBuilder cpu = new StringBuilder(String.format("%-40s", "Process CPU per output token (ms):"));
                    sides.forEach(s -> cpu.append(String.format(" %12.3f", measured.get(s.name()).cpuMsPerToken())));
                    System.out.println(cpu);
                }
                printFailures(measured);
                titles.add("c=" + (cap == 0 ? "none" : cap) + (Double.isInfinite(r) ? "" : " rate " + rateText(r)));
                columnsPerRun.add(columns);
                Map<String, Double> chunking = new LinkedHashMap<>();
                Map<String, Double> cpu = new LinkedHashMap<>();
                sides.forEach(s -> {
                    chunking.put(s.name(), tokensPerChunk(measured.get(s.name()).outputs()));
                    cpu.put(s.name(), measured.get(s.name()).cpuMsPerToken());
                });
                extras.computeIfAbsent("Tokens per chunk (not vLLM's)", k -> new ArrayList<>()).add(chunking);
                if (inProcess) {
                    extras.computeIfAbsent("Process CPU ms per output token (not vLLM's)", k -> new ArrayList<>()).add(cpu);
                }
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("max_concurrency", cap == 0 ? null : cap);
                run.put("request_rate", Double.isInfinite(r) ? "inf" : r);
                measured.forEach((name, m) -> {
                    Map<String, Object> j = ServeReport.json(m.metrics(), m.outputs());
                    j.put("tokens_per_chunk", tokensPerChunk(m.outputs()));
                    if (inProcess) {
                        j.put("process_cpu_ms_per_output_token", m.cpuMsPerToken());
                    }
                    run.put(name, j);
                });
                if (sides.size() == 2) {
                    run.put("ratio", ServeReport.ratios(ServeReport.json(columns.get(sides.get(0).name()), null),
                            ServeReport.json(columns.get(sides.get(1).name()), null)));
                }
                runs.add(run);
            }
        }
        result.put("runs", runs);
        System.out.printf("%n%d prompts of %d tokens, %d output tokens each, burstiness %s, objectives %s, load average %s%n%n%s%n",
                requests.size(), args.integer("input-len", 32), args.integer("output-len", 64), rateText(burstiness),
                slos.isEmpty() ? "none" : slos, Args.loadAverage(), ServeReport.markdown(titles, columnsPerRun, extras));
        if (args.string("sweep", "false").equals("true")) {
            String sweepCap = args.string("sweep-max-concurrency", "none");
            result.put("sweep", sweep(args, sides, requests, burstiness, seed, slos,
                    sweepCap.equals("none") ? 0 : Integer.parseInt(sweepCap)));
        }
        String file = args.string("result-file", null);
        if (file != null) {
            Files.writeString(Path.of(file), Messages.mapper().writeValueAsString(result));
            System.out.println("results: " + file);
        }
        System.out.println("# load average at the end: " + Args.loadAverage());
    }

    private static Map<String, Object> sweep(Args args, List<Side> sides, List<ServeLoad.Request> requests,
                                             double burstiness, long seed, ServeSlos slos, int cap) throws Exception {
        if (slos.isEmpty()) {
            throw new IllegalArgumentException("--sweep needs --goodput objectives");
        }
        double goodRatio = args.decimal("goodput-ratio", 0.9);
        long timeout = timeoutNanos(args);
        double seconds = args.decimal("sweep-seconds", 8);
        int minPrompts = args.integer("sweep-num-prompts", 32);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("goodput_ratio", goodRatio);
        out.put("max_concurrency", cap == 0 ? null : cap);
        out.put("probe_seconds", seconds);
        StringBuilder table = new StringBuilder(String.format(
                "%nSweep: highest request rate with at least %.0f%% of requests within %s, each probe %.0f s of arrivals (at least %d requests; burstiness %s, concurrency %s)%n"
                        + "| side | rate req/s | achieved req/s | goodput req/s | good / all | TTFT p99 ms | TPOT p99 ms | passed |%n|---|---|---|---|---|---|---|---|%n",
                100 * goodRatio, slos, seconds, minPrompts, burstiness, cap == 0 ? "none" : cap));
        // The sides take turns probe by probe (engine first), so a swing in the machine's load hits both.
        Map<String, ServeSweep.Search> searches = new LinkedHashMap<>();
        for (int i = sides.size() - 1; i >= 0; i--) {
            searches.put(sides.get(i).name(), new ServeSweep.Search(args.decimal("sweep-start", 4),
                    args.decimal("sweep-max", 1024), args.integer("sweep-steps", 4), goodRatio));
        }
        while (searches.values().stream().anyMatch(x -> !x.done())) {
            for (int i = sides.size() - 1; i >= 0; i--) {
                String name = sides.get(i).name();
                ServeSweep.Search search = searches.get(name);
                if (!search.done()) {
                    List<ServeLoad.Request> probe = sustained(requests, search.next(), seconds, minPrompts);
                    Measured m = measure(sides.get(i), probe, ServeArrivals.offsets(probe.size(), search.next(), burstiness, seed),
                            cap, slos, timeout);
                    m.outputs().stream().filter(o -> !o.success()).limit(3).forEach(o -> System.out.printf(
                            "failed on %s at %.2f req/s: %s%n", name, search.next(), o.error()));
                    search.record(m.metrics());
                }
            }
        }
        Map<String, Double> best = new LinkedHashMap<>();
        for (int i = sides.size() - 1; i >= 0; i--) {
            Side side = sides.get(i);
            ServeSweep.Result r = searches.get(side.name()).result();
            List<Map<String, Object>> probes = new ArrayList<>();
            for (ServeSweep.Probe p : r.probes()) {
                Metrics m = p.metrics();
                table.append(String.format("| %s | %.2f | %.2f | %.2f | %d / %d | %.1f | %.2f | %s |%n", side.name(), p.rate(),
                        m.requestThroughput(), m.requestGoodput(), m.goodCompleted(), m.completed() + m.failed(),
                        m.ttft().p99(), m.tpot().p99(), p.passed() ? "yes" : "no"));
                probes.add(Map.of("request_rate", p.rate(), "request_throughput", m.requestThroughput(),
                        "request_goodput", m.requestGoodput(), "good_ratio", m.goodRatio(), "passed", p.passed()));
            }
            best.put(side.name(), r.best());
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("best_request_rate", Double.isNaN(r.best()) ? null : r.best());
            s.put("capped_at_max", r.capped());
            s.put("probes", probes);
            out.put(side.name(), s);
        }
        System.out.print(table);
        best.forEach((name, rate) -> System.out.printf("highest passing rate, %s: %s req/s%n", name,
                Double.isNaN(rate) ? "none (the start rate failed)" : String.format("%.2f", rate)));
        if (sides.size() == 2) {
            System.out.printf("ratio %s / %s: %s%n", sides.get(0).name(), sides.get(1).name(),
                    ServeReport.ratioText(best.get(sides.get(0).name()), best.get(sides.get(1).name())));
        }
        return out;
    }

    private static Measured measure(Side side, List<ServeLoad.Request> requests, double[] arrivals, int cap, ServeSlos slos,
                                    long timeoutNanos) throws Exception {
        ServeLoad.Target target = side.open().get();
        try {
            long cpu0 = cpuNanos();
            ServeLoad.Run run = ServeLoad.run(target, requests, arrivals, cap, timeoutNanos);
            long cpu = cpuNanos() - cpu0;
            Metrics m = ServeMetrics.calculate(run.outputs(), run.duration(), slos);
            return new Measured(m, run.outputs(), cpu / 1e6 / Math.max(1, m.totalOutput()));
        } finally {
            if (target instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    /** A few requests on each side, all at once and not measured: JIT, connections, consumers, first steps. */
    private static void warmUp(List<Side> sides, List<ServeLoad.Request> requests, int count) throws Exception {
        if (count <= 0) {
            return;
        }
        List<ServeLoad.Request> few = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ServeLoad.Request r = requests.get(i % requests.size());
            few.add(new ServeLoad.Request(r.text(), r.ids(), r.promptLen(), Math.min(8, r.outputLen())));
        }
        for (Side side : sides) {
            Measured m = measure(side, few, new double[count], 0, ServeSlos.NONE, TimeUnit.MINUTES.toNanos(10));
            if (m.metrics().failed() > 0) {
                throw new IllegalStateException("warm-up requests failed on " + side.name() + ": "
                        + m.outputs().stream().filter(o -> !o.success()).findFirst().orElseThrow().error());
            }
        }
    }

    private static void printFailures(Map<String, Measured> measured) {
        measured.forEach((name, m) -> m.outputs().stream().filter(o -> !o.success()).limit(10)
                .forEach(o -> System.out.println("failed on " + name + ": " + o.error())));
    }

    /**
     * A probe's workload: {@code rate · seconds} requests (at least {@code min}), the prompts reused in turn.
     * A fixed count would let a high rate pass as a short burst the server absorbs; a fixed time of
     * arrivals makes a rate the server cannot sustain build a queue, and the objectives catch it.
     */
    private static List<ServeLoad.Request> sustained(List<ServeLoad.Request> prompts, double rate, double seconds, int min) {
        int n = (int) Math.max(min, Math.ceil(rate * seconds));
        List<ServeLoad.Request> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prompts.get(i % prompts.size()));
        }
        return out;
    }

    /** Output tokens per chunk with choices, over the completed requests: how much the server coalesced. */
    private static double tokensPerChunk(List<ServeOutput> outputs) {
        long tokens = 0;
        long chunks = 0;
        for (ServeOutput o : outputs) {
            if (o.success()) {
                tokens += o.outputTokens();
                chunks += o.itl().length + 1;
            }
        }
        return chunks == 0 ? Double.NaN : (double) tokens / chunks;
    }

    private static long timeoutNanos(Args args) {
        return (long) (args.decimal("request-timeout", 60) * 1e9);
    }

    private static String rateText(double rate) {
        return Double.isInfinite(rate) ? "inf" : String.valueOf(rate);
    }

    private static double rate(String text) {
        return text.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    }

    /** CPU time of this whole process (all threads, ONNX Runtime's native ones included). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
