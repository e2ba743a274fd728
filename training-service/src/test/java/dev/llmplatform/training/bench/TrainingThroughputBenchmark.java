package dev.llmplatform.training.bench;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.training.corpus.UnigramBaseline;
import dev.llmplatform.training.loop.TrainingConfig;
import dev.llmplatform.training.loop.TrainingPlan;
import dev.llmplatform.training.run.TrainingResult;
import dev.llmplatform.training.run.TrainingRun;
import dev.llmplatform.training.testing.WordTokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Training throughput of a starter-sized decoder (not a test: run it by hand).
 * Arguments: [steps=30] [layers=4] [hidden=128] [heads=4] [context=128] [vocab=2048] [batch=16] [threads=2].
 * Start the JVM with OMP_WAIT_POLICY=PASSIVE in the environment.
 */
public final class TrainingThroughputBenchmark {

    public static void main(String[] args) {
        int steps = arg(args, 0, 30);
        int layers = arg(args, 1, 4);
        int hidden = arg(args, 2, 128);
        int heads = arg(args, 3, 4);
        int context = arg(args, 4, 128);
        int vocab = arg(args, 5, 2048);
        int batch = arg(args, 6, 16);
        int threads = arg(args, 7, 2);

        WordTokens.Fixture corpus = WordTokens.synthetic(1, 4000, 2, 200);
        ModelConfig model = ModelConfig.llama(layers, heads, heads, hidden, TrainingPlan.defaultIntermediate(hidden),
                Math.max(vocab, corpus.vocabulary().size()), context, 0, 0, true);
        TrainingPlan plan = new TrainingPlan(model,
                TrainingConfig.defaults(steps, batch, context, 3e-3, 1).withEvaluation(Math.max(1, steps / 3), 16));
        System.out.printf("model: %d layers, hidden %d, %d heads, context %d, vocab %d, %.2fM parameters; batch %d, %d threads%n",
                layers, hidden, heads, context, model.vocabSize(), model.parameterCount() / 1e6, batch, threads);
        System.out.printf("unigram baseline %.3f nats/token%n", UnigramBaseline.crossEntropy(
                corpus.data().train(), corpus.data().eval(), model.vocabSize()));

        long rssBefore = residentKb();
        TrainingResult result = new TrainingRun(plan, corpus.data(), null, progress -> {
            if (progress.step() == 10) {
                System.out.printf("  RSS after 10 steps: %d MiB%n", residentKb() / 1024);
            }
            if (progress.evaluated()) {
                System.out.printf("  step %d: loss %.3f, eval %.3f, %.0f tokens/s%n",
                        progress.step(), progress.loss(), progress.evalLoss(), progress.tokensPerSecond());
            }
        }, threads).execute();
        System.out.printf("%d steps in %.1f s: %.0f training tokens/s, eval loss %.3f; RSS %d -> %d MiB%n",
                result.steps(), result.elapsed().toMillis() / 1e3, result.tokensPerSecond(), result.evalLoss(),
                rssBefore / 1024, residentKb() / 1024);
    }

    private static int arg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }

    private static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
