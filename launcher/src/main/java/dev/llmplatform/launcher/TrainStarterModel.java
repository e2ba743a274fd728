package dev.llmplatform.launcher;

import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import dev.llmplatform.training.pipeline.PipelineListener;
import dev.llmplatform.training.pipeline.PipelineResult;
import dev.llmplatform.training.pipeline.PipelineSettings;
import dev.llmplatform.training.pipeline.TrainingPipeline;
import dev.llmplatform.training.run.TrainingProgress;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Trains the shipped {@code starter} model with the training pipeline (no Kafka) and writes it to
 * {@code <store>/starter/1/} (default store: {@code ./models}, which the launcher installs at start).
 * A fixed spec, so anyone can reproduce the package; a killed run resumes from its checkpoint
 * under {@code ./data/training/}. Ends with greedy completions of a few corpus-style prompts.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java -Dai.djl.offline=true -cp ... dev.llmplatform.launcher.TrainStarterModel [store-dir]
 * </pre>
 */
public final class TrainStarterModel {

    public static final String NAME = "starter";
    static final String JOB_ID = "starter-model-v2";
    static final long SEED = 20261129L;

    /**
     * 4 layers, hidden 128, 4 heads sharing 2 kv heads, ~1k BPE: about 1M parameters, ~4 MB. Stories and tool-use
     * chats alternate; context 256, since a chat with its tools section, call, result and reply takes up to ~250 tokens.
     */
    static final TrainingSpec SPEC = new TrainingSpec(NAME,
            new TrainingSpec.Dataset("synthetic-tools", null, SEED, 20_000),
            new TrainingSpec.TokenizerSpec(1024, null),
            new TrainingSpec.Architecture(4, 128, 4, 2, 256, null),
            4_000, 8, 3e-3, SEED, 500, 500);

    static final List<String> PROMPTS = List.of(
            "Tom gave the book to Anna. Now Anna has the",
            "The trophy didn't fit in the suitcase because it was too small. The",
            "The dogs near the cat",
            "Mia found a key in the");

    private TrainStarterModel() {
    }

    public static void main(String[] args) throws IOException {
        Path storeDir = Path.of(args.length > 0 ? args[0] : "models").toAbsolutePath().normalize();
        ModelStore store = new ModelStore(storeDir);
        if (!store.versions(NAME).isEmpty()) {
            System.err.printf("%s already holds %s versions %s: remove them to train it again%n", storeDir, NAME,
                    store.versions(NAME));
            System.exit(2);
        }
        int threads = Runtime.getRuntime().availableProcessors();
        TrainingPipeline pipeline = new TrainingPipeline(new PipelineSettings(storeDir, Path.of("data", "training"),
                Path.of("data", "datasets"), 1L << 30, threads, 2));
        long started = System.nanoTime();
        PipelineResult result = pipeline.job(JOB_ID, SPEC, new Printer(started)).execute();
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        if (result.status() != PipelineResult.Status.SUCCEEDED) {
            throw new IllegalStateException("training ended " + result.status());
        }
        ModelConfig config = result.modelPackage().decoderConfig();
        System.out.printf("wrote %s (%d parameters) in %d s on %d threads: %d steps (resumed from %d), "
                        + "%.0f training tokens/s, eval loss %.4f, unigram baseline %.4f nats/token%n",
                result.modelPackage().dir(), config.parameterCount(), wall.toSeconds(), threads, result.steps(),
                result.training().resumedFromStep(), result.training().tokensPerSecond(), result.evalLoss(),
                result.unigramEvalLoss());
        try (HfTokenizer tokenizer = HfTokenizer.load(result.modelPackage().tokenizerFile(), config.contextLength())) {
            for (String prompt : PROMPTS) {
                System.out.printf("greedy: %s|%s%n", prompt, greedy(result.training().weights(), tokenizer, prompt, 32));
            }
        }
    }

    /** Greedy continuation by the plain-Java reference forward pass, stopping at end-of-text. */
    static String greedy(LlamaWeights weights, HfTokenizer tokenizer, String prompt, int maxNewTokens) {
        ModelConfig config = weights.config();
        int[] tokens = tokenizer.encode(prompt);
        int promptLength = tokens.length;
        for (int i = 0; i < maxNewTokens; i++) {
            int[] window = Arrays.copyOfRange(tokens, Math.max(0, tokens.length - config.contextLength()), tokens.length);
            float[] logits = LlamaReference.logits(weights, window)[window.length - 1];
            int next = 0;
            for (int v = 1; v < logits.length; v++) {
                if (logits[v] > logits[next]) {
                    next = v;
                }
            }
            if (next == config.eosTokenId()) {
                break;
            }
            tokens = Arrays.copyOf(tokens, tokens.length + 1);
            tokens[tokens.length - 1] = next;
        }
        return tokenizer.decode(Arrays.copyOfRange(tokens, promptLength, tokens.length), true);
    }

    private record Printer(long started) implements PipelineListener {
        @Override
        public void onPhase(String phase) {
            System.out.printf("[%5.0f s] %s%n", (System.nanoTime() - started) / 1e9, phase);
        }

        @Override
        public void onStep(TrainingProgress p) {
            if (p.evaluated() || p.step() % 50 == 0) {
                System.out.printf("[%5.0f s] step %d/%d loss %.4f eval %.4f lr %.5f %.0f tokens/s%n",
                        (System.nanoTime() - started) / 1e9, p.step(), p.totalSteps(), p.loss(), p.evalLoss(),
                        p.learningRate(), p.tokensPerSecond());
            }
        }
    }
}
