package dev.llmplatform.bench;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.engine.EngineMetrics;
import dev.llmplatform.inference.engine.EngineRequest;
import dev.llmplatform.inference.engine.EngineSettings;
import dev.llmplatform.inference.engine.InferenceEngine;
import dev.llmplatform.inference.engine.TokenSink;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.onnx.WeightQuantization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time to first token of prompts that share a long prefix, with and without the prefix cache: one
 * engine per setting, requests sent one after another (each waits for the previous), every prompt =
 * the same {@code --shared} tokens + {@code --unique} tokens of its own. The first request of the
 * cached engine fills the cache; the rest hit it.
 *
 * <pre>
 * benchmarks/run.sh PrefixCacheBench --model=small --shared=96 --unique=8
 * benchmarks/run.sh PrefixCacheBench --model=gpt2 --shared=512 --unique=16
 * </pre>
 */
public final class PrefixCacheBench {

    private PrefixCacheBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int shared = args.integer("shared", 96);
        int unique = args.integer("unique", 8);
        int requests = args.integer("requests", 12);
        int newTokens = args.integer("new", 4);
        System.out.println(Args.machineLine());
        BenchModels.Source source = BenchModels.load(args.string("model", "small"), args.integer("intermediate", 2048));
        BenchModels.OnnxModel model = BenchModels.write(source.name(), source.weights(), WeightQuantization.NONE,
                BenchModels.tempDir("llm-prefix-bench-"));
        try (OnnxDecoder decoder = OnnxDecoder.open(model.onnx(), model.config(), DecoderOptions.cpu(args.integer("threads", 2)))) {
            InferenceEngine.warmUp(decoder);
            SplittableRandom random = new SplittableRandom(7);
            int[] prefix = random.ints(shared, 3, decoder.vocabSize()).toArray();
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < requests + 1; i++) {
                int[] p = java.util.Arrays.copyOf(prefix, shared + unique);
                System.arraycopy(random.ints(unique, 3, decoder.vocabSize()).toArray(), 0, p, shared, unique);
                prompts.add(p);
            }
            long kv = (long) (shared + unique + newTokens) * decoder.kvBytesPerToken() * 4 + (64L << 20);
            List<Double> off = run(decoder, new EngineSettings(1, kv, 4, 0, 0, 16), prompts, newTokens);
            List<Double> on = run(decoder, new EngineSettings(1, kv, 4, 0, 64L << 20, 16), prompts, newTokens);
            System.out.printf("%n%s, prompts of %d shared + %d unique tokens, %d sequential requests (after one warm-up), block 16%n",
                    model.name(), shared, unique, requests);
            System.out.println("| prefix cache | TTFT p50 ms | TTFT p90 ms | first request ms |");
            System.out.println("|---|---|---|---|");
            System.out.printf("| off | %.1f | %.1f | %.1f |%n", p(off, 50), p(off, 90), off.getFirst());
            System.out.printf("| on | %.1f | %.1f | %.1f (fills the cache) |%n", p(on, 50), p(on, 90), on.getFirst());
            System.out.println("# load average at the end: " + Args.loadAverage());
        }
    }

    /** TTFT of each request, the first (cold) one included at index 0; the warm-up request is left out. */
    private static List<Double> run(OnnxDecoder decoder, EngineSettings settings, List<int[]> prompts, int newTokens)
            throws InterruptedException {
        FirstTokens sink = new FirstTokens();
        List<Double> ttft = new ArrayList<>();
        try (InferenceEngine engine = new InferenceEngine("prefix", decoder, settings, sink, sink).start()) {
            // A prompt of other tokens first: JIT and buffers warm, the cache still empty of this prefix.
            int[] other = new SplittableRandom(99).ints(prompts.getFirst().length, 3, decoder.vocabSize()).toArray();
            sink.send(engine, "warm", other, newTokens);
            for (int i = 0; i < prompts.size() - 1; i++) {
                ttft.add(sink.send(engine, "r" + i, prompts.get(i), newTokens));
            }
        }
        System.out.printf("prefix cache %s: %d of %d prompt tokens came from the cache%n",
                settings.prefixCacheBytes() > 0 ? "on" : "off", sink.reused.get(), sink.prompted.get());
        return ttft;
    }

    private static double p(List<Double> values, double pct) {
        return StreamRecorder.percentile(values.subList(1, values.size()), pct);
    }

    /** Submits one request, waits for its end, returns its time to first token in ms. */
    private static final class FirstTokens implements TokenSink, EngineMetrics {
        private final Map<String, Long> first = new ConcurrentHashMap<>();
        private final AtomicLong reused = new AtomicLong();
        private final AtomicLong prompted = new AtomicLong();

        @Override
        public void prefixLookup(int promptTokens, int cachedTokens) {
            reused.addAndGet(cachedTokens);
            prompted.addAndGet(promptTokens);
        }

        private final Map<String, CountDownLatch> done = new ConcurrentHashMap<>();

        double send(InferenceEngine engine, String id, int[] prompt, int newTokens) throws InterruptedException {
            done.put(id, new CountDownLatch(1));
            long t0 = System.nanoTime();
            engine.submit(EngineRequest.greedy(id, prompt, newTokens));
            if (!done.get(id).await(600, TimeUnit.SECONDS)) {
                throw new IllegalStateException("request " + id + " did not finish");
            }
            return (first.get(id) - t0) / 1e6;
        }

        @Override
        public void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs) {
            first.putIfAbsent(requestId, System.nanoTime());
        }

        @Override
        public void onFinished(String requestId, FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
            if (error != null) {
                System.err.println(requestId + " failed: " + error.message());
            }
            done.get(requestId).countDown();
        }
    }
}
