package dev.llmplatform.bench;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.model.safetensors.HuggingFaceExport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * The peer side by side: Jlama (a pure-Java LLM engine, {@code com.github.tjake:jlama-core}) on the
 * same weights as {@link EngineBench}, loaded from our Hugging Face safetensors export. Token ids go
 * straight to Jlama's forward pass (prefill with {@code batchForward}, then one {@code forward} per
 * token, greedy), so its tokenizer plays no part. First it checks that Jlama computes what our
 * plain-Java reference computes from the exported weights.
 *
 * <p>Concurrent streams are one thread each, taking turns through a fair lock, one model call at a
 * time: Jlama 0.8.4 does not batch separate sessions, and its model is not safe for concurrent calls
 * (16 unsynchronised threads fail with "BAD M" in {@code PanamaTensorOperations.batchDotProduct};
 * {@code --unsynchronised=true} reproduces it).
 *
 * <pre>benchmarks/run.sh JlamaBench --model=gpt2|small --streams=1,16 --prompt=32 --new=64 [--quantize=Q4]</pre>
 */
public final class JlamaBench {

    private JlamaBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        // Jlama's Vector API kernels. Its native library (jlama-native 0.8.4, linux-x86_64) computed wrong
        // float32 logits here (see docs/benchmarks.md), so it is not on the classpath and not chosen.
        System.setProperty("jlama.force_panama_tensor_operations", "true");
        List<Integer> levels = args.integers("streams", "1,16");
        int prompt = args.integer("prompt", 32);
        int newTokens = args.integer("new", 64);
        System.out.println(Args.machineLine());
        checkAgainstReference();
        BenchModels.Source source = BenchModels.load(args.string("model", "small"), args.integer("intermediate", 2048));
        ModelConfig config = source.weights().config();
        Path dir = BenchModels.tempDir("llm-bench-hf-");
        long t0 = System.nanoTime();
        HuggingFaceExport.write(source.weights(), dir);
        PlaceholderTokenizer.write(config, dir);
        System.out.printf("model %s (%s): exported %,d parameters as HF safetensors to %s in %.1f s%n", source.name(),
                source.description(), config.parameterCount(), dir, (System.nanoTime() - t0) / 1e9);

        boolean unsynchronised = Boolean.parseBoolean(args.string("unsynchronised", "false"));
        Optional<DType> quantize = Optional.ofNullable(args.string("quantize", null)).map(DType::valueOf);
        t0 = System.nanoTime();
        DType workingQuantization = DType.valueOf(args.string("working-qtype", "I8"));
        AbstractModel model = ModelSupport.loadModel(dir.toFile(), dir.toFile(), DType.F32, workingQuantization, quantize,
                Optional.empty());
        System.out.printf("Jlama loaded the export in %.1f s (weights %s)%n", (System.nanoTime() - t0) / 1e9,
                quantize.map(DType::name).orElse("F32 as exported"));
        try (KvBufferCache caches = new KvBufferCache(model)) {
            run(model, caches, 2, prompt, 16, 1, false);  // warm-up: JIT and Jlama's lazily built kernels
            List<String> rows = new ArrayList<>();
            for (int streams : levels) {
                StreamRecorder.Summary s = run(model, caches, streams, prompt, newTokens, 100, unsynchronised);
                String mode = streams == 1 ? "" : unsynchronised ? ", unsynchronised" : ", one call at a time";
                String row = String.format("| Jlama %s%s | %d | %d | %.1f | %.1f | %.0f / %.0f | %.1f / %.1f |",
                        quantize.map(DType::name).orElse("F32"), mode, streams, s.tokens(), s.aggregateTps(), s.decodeTps(),
                        s.ttftP50(), s.ttftP99(), s.itlP50(), s.itlP99());
                System.out.println(row);
                rows.add(row);
            }
            System.out.println("| engine | streams | tokens | aggregate tok/s | decode tok/s | TTFT p50 / p99 ms | ITL p50 / p99 ms |");
            System.out.println("|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
        } finally {
            model.close();
        }
        System.out.println("# load average at the end: " + Args.loadAverage());
    }

    /**
     * Jlama must compute what our plain-Java reference computes from the same weights, or the export
     * (names, [out, in] layout, rotary convention) is wrong. Sharp weights (std 0.25) make attention
     * position-sensitive, so a q/k permutation mistake would move the log-probabilities by far more than
     * float rounding; near-uniform std-0.02 weights would hide it.
     */
    static void checkAgainstReference() throws Exception {
        ModelConfig config = BenchModels.starterSized();
        LlamaWeights weights = RandomLlama.create(config, BenchModels.SEED, 0.25);
        int[] tokens = new SplittableRandom(1).ints(12, 3, config.vocabSize()).toArray();
        float[] expected = LlamaReference.logits(weights, tokens)[tokens.length - 1];
        Path dir = BenchModels.tempDir("llm-bench-hf-check-");
        HuggingFaceExport.write(weights, dir);
        PlaceholderTokenizer.write(config, dir);
        AbstractModel model = ModelSupport.loadModel(dir.toFile(), dir.toFile(), DType.F32, DType.I8, Optional.empty(), Optional.empty());
        try (KvBufferCache caches = new KvBufferCache(model);
             KvBufferCache.KvBuffer kv = caches.getKvBuffer(UUID.randomUUID())) {
            AbstractTensor out = model.batchForward(tokens, 0, kv);
            float[] probs = model.getLogits(out.slice(tokens.length - 1));
            double max = Double.NEGATIVE_INFINITY;
            for (float v : expected) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : expected) {
                sum += Math.exp(v - max);
            }
            double worst = 0;
            double spread = 0;
            for (int i = 0; i < expected.length; i++) {
                double logp = expected[i] - max - Math.log(sum);
                worst = Math.max(worst, Math.abs(Math.log(probs[i]) - logp));
                spread += logp * logp / expected.length;
            }
            System.out.printf("check: Jlama vs plain-Java reference on the exported weights, last of %d positions: "
                    + "max |log p diff| %.2e (rms log p %.2f) -> %s%n", tokens.length, worst, Math.sqrt(spread),
                    worst < 1e-3 ? "same model" : "MISMATCH");
        } finally {
            model.close();
        }
    }

    /** {@code streams} threads, each one greedy generation with its own KV buffer. */
    static StreamRecorder.Summary run(AbstractModel model, KvBufferCache caches, int streams, int prompt, int newTokens,
                                      long seed, boolean unsynchronised) throws InterruptedException {
        StreamRecorder recorder = new StreamRecorder(streams);
        SplittableRandom random = new SplittableRandom(seed);
        Lock turns = unsynchronised ? null : new ReentrantLock(true);
        int vocab = model.getConfig().vocabularySize;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            int[] tokens = random.ints(prompt, 3, vocab).toArray();
            String id = "jlama-" + seed + "-" + i;
            recorder.submitted(id, newTokens);
            threads.add(Thread.ofPlatform().name(id).start(
                    () -> generate(model, caches, turns, id, tokens, newTokens, recorder)));
        }
        try {
            recorder.await(1800);
        } finally {
            for (Thread t : threads) {
                t.join();
            }
        }
        return recorder.summary();
    }

    private static void generate(AbstractModel model, KvBufferCache caches, Lock turns, String id, int[] prompt,
                                 int newTokens, StreamRecorder recorder) {
        try (KvBufferCache.KvBuffer kv = caches.getKvBuffer(UUID.randomUUID());
             AbstractTensor logits = model.makeDenseTensor(model.getConfig().vocabularySize)) {
            int next = call(turns, () -> {
                AbstractTensor out = model.batchForward(prompt, 0, kv);
                int token = model.sample(out.slice(prompt.length - 1), 0f, 0f, logits);
                out.close();
                return token;
            });
            for (int i = 0; i < newTokens; i++) {
                recorder.onTokens(id, i, new int[] {next}, null);
                if (i + 1 < newTokens) {
                    int token = next;
                    int position = prompt.length + i;
                    next = call(turns, () -> {
                        AbstractTensor out = model.forward(token, position, kv, Optional.empty());
                        int sampled = model.sample(out, 0f, 0f, logits);
                        out.close();
                        return sampled;
                    });
                }
            }
            recorder.onFinished(id, FinishReason.LENGTH, null, null, null);
        } catch (RuntimeException e) {
            String cause = e.getCause() != null ? e.getCause().toString() : e.toString();
            StackTraceElement[] where = (e.getCause() != null ? e.getCause() : e).getStackTrace();
            cause += where.length > 0 ? " at " + where[0] : "";
            recorder.onFinished(id, FinishReason.ERROR, null, null, ErrorInfo.internal("Jlama: " + cause));
        }
    }

    /** One model call, alone when there is a lock (a fair one, so streams take turns). */
    private static int call(Lock turns, IntSupplier step) {
        if (turns == null) {
            return step.getAsInt();
        }
        turns.lock();
        try {
            return step.getAsInt();
        } finally {
            turns.unlock();
        }
    }
}
