package dev.llmplatform.bench;

import dev.llmplatform.constraint.ConstraintState;
import dev.llmplatform.constraint.Constraints;
import dev.llmplatform.constraint.TokenMasks;
import dev.llmplatform.constraint.TokenVocabulary;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.inference.engine.EngineRequest;
import dev.llmplatform.inference.engine.EngineSettings;
import dev.llmplatform.inference.engine.InferenceEngine;
import dev.llmplatform.inference.engine.constraint.ConstraintCompiler;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.ExecutionDevice;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.inference.engine.sampling.Sampler;
import dev.llmplatform.inference.engine.sampling.SamplingState;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.onnx.WeightQuantization;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What constrained decoding costs: per-token mask cost (automaton state's mask, computed on first visit and
 * cached, applied to the logits), p50/p99 in µs, cold (states met for the first time) and warm; compile time of
 * a first request (schema → automaton → first mask); and engine tok/s with and without a JSON-schema
 * constraint at 1 and 16 streams, on the starter model (its real 563-token vocabulary) and on the GPT-2-sized
 * random model with a 50,257-token byte-level vocabulary.
 *
 * <pre>
 * benchmarks/run.sh ConstraintBench --streams=1,16 --new=32
 * </pre>
 * No GPT-2 tokenizer can be had offline, so the 50k vocabulary is made of the 256 bytes plus the most frequent
 * 2–10 byte substrings (split at word starts, a leading space kept, as byte-level BPE tokens look) of this
 * repository's documentation and Java sources. Options: {@code --threads=2}, {@code --skip-gpt2}.
 */
public final class ConstraintBench {

    static final String SCHEMA = """
            {"type":"object","properties":{
              "name":{"type":"string","maxLength":40},
              "age":{"type":"integer","minimum":0,"maximum":150},
              "role":{"enum":["admin","user","guest"]},
              "born":{"type":"string","format":"date"},
              "tags":{"type":"array","items":{"type":"string","maxLength":12},"maxItems":5},
              "address":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string","pattern":"[0-9]{5}"}},
                         "required":["city"],"additionalProperties":false}},
             "required":["name","age","role"],"additionalProperties":false}""";
    /** Long outputs only (at least 60 items of 4+ characters), so a constrained run generates all its tokens like a free one. */
    static final String LONG_SCHEMA = "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":4,\"maxLength\":40},"
            + "\"minItems\":60}";

    /** tool_choice auto with one tool: free text unless the model writes {@code <tool_call>} (a random one never does). */
    static final String AUTO_GUARD = "{\"open\":\"<tool_call>\",\"alternatives\":[{\"before\":\"<tool_call>{\\\"name\\\":"
            + "\\\"f\\\",\\\"arguments\\\":\",\"schema\":" + SCHEMA.replace("\n", "") + ",\"after\":\"}</tool_call>\"}]}";

    private ConstraintBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        List<Integer> levels = args.integers("streams", "1,16");
        int newTokens = args.integer("new", 32);
        int threads = args.integer("threads", 2);
        System.out.println(Args.machineLine());

        TokenVocabulary starter = TokenVocabulary.read(Path.of("models/starter/1/tokenizer.json"), 563);
        TokenVocabulary big = syntheticVocabulary(50257, 50256);
        long t0 = System.nanoTime();
        big.trie();
        System.out.printf("50k vocabulary: token trie of %,d nodes built in %.0f ms (once per model)%n", big.trie().nodes(),
                (System.nanoTime() - t0) / 1e6);

        List<String> maskRows = new ArrayList<>();
        maskRows.add(maskRow("starter (563)", starter, 0));
        maskRows.add(maskRow("byte-level 50k", big, 50256));
        System.out.println("| vocabulary | first-request compile ms (p50 of 5) | mask µs/token cold p50 / p99 | warm p50 / p99 | sample µs/token without / with mask |");
        System.out.println("|---|---|---|---|---|");
        maskRows.forEach(System.out::println);

        List<String> rows = new ArrayList<>();
        DecoderOptions options = new DecoderOptions(ExecutionDevice.CPU, threads, 0);
        try (OnnxDecoder decoder = OnnxDecoder.open(Path.of("models/starter/1/model.onnx"),
                ModelConfig.parse(Files.readString(Path.of("models/starter/1/config.json")), "starter config.json"), options)) {
            rows.addAll(throughput("starter", decoder, starter, 0, levels, newTokens));
        }
        if (!Boolean.parseBoolean(args.string("skip-gpt2", "false"))) {
            Path dir = BenchModels.tempDir("llm-constraint-bench-");
            BenchModels.OnnxModel m = BenchModels.write("gpt2-small-llama", BenchModels.randomWeights(BenchModels.gpt2Small(2048)),
                    BenchModels.quantization("int8", WeightQuantization.ACCURACY_INT8), dir);
            try (OnnxDecoder decoder = OnnxDecoder.open(m.onnx(), m.config(), options)) {
                rows.addAll(throughput("gpt2-sized int8", decoder, big, 50256, levels, newTokens));
            }
        }
        System.out.printf("%nengine, greedy, %d new tokens per stream, ONNX Runtime intra-op threads %d%n", newTokens, threads);
        System.out.println("| model | streams | free tok/s | schema tok/s | auto guard tok/s | free CPU ms/token "
                + "| schema CPU ms/token (free's share) | auto guard CPU ms/token (free's share) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println("# load average at the end: " + Args.loadAverage());
    }

    /** Compile time, and the per-token cost of the mask along sampled outputs of {@link #SCHEMA}. */
    private static String maskRow(String name, TokenVocabulary vocab, int eos) {
        List<Double> compiles = new ArrayList<>();
        TokenMasks masks = null;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            masks = new TokenMasks(Constraints.compile(Constraints.jsonSchema(SCHEMA)), vocab, new int[]{eos});
            masks.allowed(masks.dfa().start());
            compiles.add((System.nanoTime() - t) / 1e3);
        }
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        List<Double> freeSample = new ArrayList<>();
        List<Double> maskedSample = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (long seed = 0; seed < 40; seed++) {
                walk(masks, vocab.size(), eos, seed, pass == 0 ? cold : warm, pass == 0 ? null : freeSample,
                        pass == 0 ? null : maskedSample);
            }
        }
        return String.format("| %s | %.1f | %.1f / %.1f | %.2f / %.2f | %.1f / %.1f |", name,
                StreamRecorder.percentile(compiles, 50) / 1e3, StreamRecorder.percentile(cold, 50),
                StreamRecorder.percentile(cold, 99), StreamRecorder.percentile(warm, 50), StreamRecorder.percentile(warm, 99),
                StreamRecorder.percentile(freeSample, 50), StreamRecorder.percentile(maskedSample, 50));
    }

    /** One output sampled at temperature 1 from random logits under the constraint; records µs per token. */
    private static void walk(TokenMasks masks, int vocab, int eos, long seed, List<Double> maskTimes,
                             List<Double> freeSample, List<Double> maskedSample) {
        SplittableRandom random = new SplittableRandom(seed);
        ConstraintState state = new ConstraintState(masks);
        SamplingParams params = new SamplingParams(1.0, 1, 0, 0, 1, 0, 0, seed, Map.of(), null);
        SamplingState sampling = SamplingState.seeded(seed, new int[]{1});
        float[] logits = new float[vocab];
        for (int step = 0; step < 200; step++) {
            for (int i = 0; i < vocab; i++) {
                logits[i] = (float) random.nextGaussian();
            }
            long t = System.nanoTime();
            long[] allowed = state.allowed();
            float[] masked = logits.clone();
            for (int i = 0; i < vocab; i++) {
                if (!TokenMasks.isAllowed(allowed, i)) {
                    masked[i] = Float.NEGATIVE_INFINITY;
                }
            }
            maskTimes.add((System.nanoTime() - t) / 1e3);
            if (freeSample != null) {
                long f = System.nanoTime();
                Sampler.sample(logits, params, sampling, new int[0]);
                freeSample.add((System.nanoTime() - f) / 1e3);
            }
            long m = System.nanoTime();
            int token = Sampler.sample(logits, params, sampling, new int[0], allowed).tokenId();
            if (maskedSample != null) {
                maskedSample.add((System.nanoTime() - m) / 1e3);
            }
            if (token == eos) {
                return;
            }
            state.advance(token);
        }
    }

    /** One engine run: wall-clock aggregate tok/s, and the whole process's CPU time per generated token. */
    private record Run(double tps, double cpuMsPerToken) {
    }

    private static List<String> throughput(String name, OnnxDecoder decoder, TokenVocabulary vocab, int eos,
                                           List<Integer> levels, int newTokens) throws InterruptedException {
        TokenMasks masks;
        TokenMasks guard;
        try (ConstraintCompiler compiler = new ConstraintCompiler(4, Duration.ofMinutes(1))) {
            masks = compiler.compile(name, () -> vocab, OutputConstraint.jsonSchema(LONG_SCHEMA), new int[]{eos}).join();
            // tool_choice auto's guard on free text (no stop token, so every stream runs its full length)
            guard = compiler.compile(name, () -> vocab, OutputConstraint.toolCallsOrText(AUTO_GUARD), new int[0]).join();
        }
        run(decoder, 2, 4, null, eos);   // warm-up
        List<String> rows = new ArrayList<>();
        for (int streams : levels) {
            List<List<Run>> runs = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            TokenMasks[] modes = {null, masks, guard};
            for (int r = 0; r < 4; r++) {   // rotated, each first a third of the time, median: the machine is shared
                for (int k = 0; k < 3; k++) {
                    int mode = (r + k) % 3;
                    runs.get(mode).add(run(decoder, streams, newTokens, modes[mode], eos));
                }
            }
            System.out.printf("  %s %d streams, tok/s free %s, schema %s, auto guard %s; CPU ms/token free %s, schema %s, "
                    + "auto guard %s%n", name, streams, tps(runs.get(0)), tps(runs.get(1)), tps(runs.get(2)),
                    cpu(runs.get(0)), cpu(runs.get(1)), cpu(runs.get(2)));
            double[] tps = new double[3];
            double[] cpu = new double[3];
            for (int k = 0; k < 3; k++) {
                tps[k] = StreamRecorder.percentile(runs.get(k).stream().map(Run::tps).toList(), 50);
                cpu[k] = StreamRecorder.percentile(runs.get(k).stream().map(Run::cpuMsPerToken).toList(), 50);
            }
            String row = String.format("| %s | %d | %.1f | %.1f (%+.0f%%) | %.1f (%+.0f%%) | %.3f | %.3f (%.0f%%) | %.3f (%.0f%%) |",
                    name, streams, tps[0], tps[1], 100 * (tps[1] / tps[0] - 1), tps[2], 100 * (tps[2] / tps[0] - 1),
                    cpu[0], cpu[1], 100 * cpu[0] / cpu[1], cpu[2], 100 * cpu[0] / cpu[2]);
            System.out.println(row);
            rows.add(row);
        }
        return rows;
    }

    private static List<Long> tps(List<Run> runs) {
        return runs.stream().map(r -> Math.round(r.tps())).toList();
    }

    private static List<String> cpu(List<Run> runs) {
        return runs.stream().map(r -> String.format("%.3f", r.cpuMsPerToken())).toList();
    }

    /** Aggregate tok/s of {@code streams} greedy requests at once, all generating {@code newTokens}. */
    private static Run run(OnnxDecoder decoder, int streams, int newTokens, TokenMasks masks, int eos)
            throws InterruptedException {
        List<int[]> prompts = EngineBench.randomPrompts(streams, 16, decoder.vocabSize(), 7);
        long kvBytes = (long) streams * (16 + newTokens) * decoder.kvBytesPerToken() * 2 + (64L << 20);
        StreamRecorder recorder = new StreamRecorder(streams);
        long cpu0 = processCpuNanos();
        try (InferenceEngine engine = new InferenceEngine("bench", decoder,
                new EngineSettings(streams, kvBytes, streams + 1, 0), recorder).start()) {
            for (int i = 0; i < streams; i++) {
                String id = "c-" + i;
                recorder.submitted(id, newTokens);
                EngineRequest request = new EngineRequest(id, prompts.get(i), newTokens, SamplingParams.greedy(),
                        masks == null ? new int[0] : new int[]{eos}, 0);
                engine.submit(masks == null ? request : request.withConstraint(masks));
            }
            recorder.await(1800);
        }
        long cpu = processCpuNanos() - cpu0;
        StreamRecorder.Summary summary = recorder.summary();
        if (summary.tokens() != (long) streams * newTokens) {
            throw new IllegalStateException("expected " + streams * newTokens + " tokens, got " + summary.tokens());
        }
        return new Run(summary.aggregateTps(), cpu / 1e6 / summary.tokens());
    }

    /** CPU time of this process, every thread (the engine's and ONNX Runtime's): other processes' load does not count. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * The 256 bytes, then the most frequent substrings (2–10 bytes, starting at a word start, a leading space
     * kept) of the repository's Markdown and Java files, to {@code size} ids; {@code eos} special.
     */
    static TokenVocabulary syntheticVocabulary(int size, int eos) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("."))) {
            files = walk.filter(p -> (p.toString().endsWith(".md") || p.toString().endsWith(".java"))
                    && !p.toString().contains("/target/") && !p.toString().contains("/node_modules/")).sorted().toList();
        }
        for (Path f : files) {
            String text = Files.readString(f);
            for (int i = 0; i < text.length(); i++) {
                if (i > 0 && Character.isLetterOrDigit(text.charAt(i)) && Character.isLetterOrDigit(text.charAt(i - 1))) {
                    continue;
                }
                for (int len = 2; len <= 10 && i + len <= text.length(); len++) {
                    counts.merge(text.substring(i, i + len), 1, Integer::sum);
                }
            }
        }
        List<String> frequent = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).limit(size - 257).toList();
        byte[][] bytes = new byte[size][];
        for (int b = 0; b < 256; b++) {
            bytes[b] = new byte[]{(byte) b};
        }
        int id = 256;
        for (String s : frequent) {
            if (id == eos) {
                id++;
            }
            bytes[id++] = s.getBytes(StandardCharsets.UTF_8);
        }
        return new TokenVocabulary(bytes);
    }
}
