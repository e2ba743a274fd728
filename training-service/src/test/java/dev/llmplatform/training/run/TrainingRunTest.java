package dev.llmplatform.training.run;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.training.checkpoint.CheckpointStore;
import dev.llmplatform.training.corpus.UnigramBaseline;
import dev.llmplatform.training.loop.TokenData;
import dev.llmplatform.training.loop.TrainingConfig;
import dev.llmplatform.training.loop.TrainingPlan;
import dev.llmplatform.training.model.ParameterLayout;
import dev.llmplatform.training.testing.WordTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingRunTest {

    private static WordTokens.Fixture corpus;

    @BeforeAll
    static void buildCorpus() {
        corpus = WordTokens.synthetic(1, 2000, 2, 200);
    }

    @Test
    void shouldLowerEvalLossWellBelowTheUnigramBaseline() {
        TokenData data = corpus.data();
        double unigram = UnigramBaseline.crossEntropy(data.train(), data.eval(), corpus.vocabulary().size());
        TrainingPlan plan = tinyPlan(TrainingConfig.defaults(60, 16, 32, 3e-3, 7).withEvaluation(20, 32));
        List<TrainingProgress> progress = new ArrayList<>();

        TrainingResult result = new TrainingRun(plan, data, null, progress::add, 0).execute();

        System.out.printf("vocab %d, train tokens %d, unigram %.3f, eval %.3f, tokens/s %.0f%n",
                corpus.vocabulary().size(), data.train().length, unigram, result.evalLoss(), result.tokensPerSecond());
        progress.forEach(p -> System.out.printf("step %d loss %.3f eval %.3f lr %.5f norm %.3f%n",
                p.step(), p.loss(), p.evalLoss(), p.learningRate(), p.gradientNorm()));
        assertThat(result.status()).isEqualTo(TrainingResult.Status.COMPLETED);
        assertThat(progress).hasSize(60).allSatisfy(p -> assertThat(p.loss()).isFinite());
        assertThat(mean(progress.subList(50, 60))).isLessThan(mean(progress.subList(0, 10)) - 1.0);
        assertThat(result.evalLoss()).isLessThan(unigram - 1.0);
    }

    @Test
    void shouldReproduceTheSameLossesForTheSameSeed() {
        TrainingPlan plan = tinyPlan(TrainingConfig.defaults(8, 8, 32, 3e-3, 11).withEvaluation(4, 8));
        List<TrainingProgress> first = new ArrayList<>();
        List<TrainingProgress> second = new ArrayList<>();
        List<TrainingProgress> otherSeed = new ArrayList<>();

        new TrainingRun(plan, corpus.data(), null, first::add, 0).execute();
        new TrainingRun(plan, corpus.data(), null, second::add, 0).execute();
        TrainingPlan reseeded = tinyPlan(TrainingConfig.defaults(8, 8, 32, 3e-3, 12).withEvaluation(4, 8));
        new TrainingRun(reseeded, corpus.data(), null, otherSeed::add, 0).execute();

        assertThat(losses(second)).containsExactlyElementsOf(losses(first));
        assertThat(second.getLast().evalLoss()).isEqualTo(first.getLast().evalLoss());
        assertThat(losses(otherSeed)).isNotEqualTo(losses(first));
    }

    /** A run killed after its step-8 checkpoint and resumed ends bit-for-bit where an uninterrupted run ends. */
    @Test
    void shouldEndWithTheSameWeightsWhenKilledAndResumed(@TempDir Path uninterruptedDir, @TempDir Path interruptedDir) {
        TrainingPlan plan = tinyPlan(TrainingConfig.defaults(20, 8, 32, 3e-3, 5)
                .withEvaluation(10, 8).withCheckpointEvery(8));
        TrainingResult uninterrupted = new TrainingRun(plan, corpus.data(), new CheckpointStore(uninterruptedDir, 2),
                ProgressListener.NONE, 0).execute();

        CheckpointStore store = new CheckpointStore(interruptedDir, 2);
        TrainingRun[] killed = new TrainingRun[1];
        killed[0] = new TrainingRun(plan, corpus.data(), store, progress -> {
            if (progress.step() == 13) {
                killed[0].cancel(); // stands in for a crash: cancelling writes no checkpoint
            }
        }, 0);
        TrainingResult stopped = killed[0].execute();
        assertThat(stopped.status()).isEqualTo(TrainingResult.Status.CANCELLED);
        assertThat(stopped.steps()).isEqualTo(13);
        assertThat(store.checkpoints()).extracting(CheckpointStore::stepOf).containsExactly(8);

        List<TrainingProgress> resumedSteps = new ArrayList<>();
        TrainingResult resumed = new TrainingRun(plan, corpus.data(), store, resumedSteps::add, 0).execute();

        assertThat(resumed.resumedFromStep()).isEqualTo(8);
        assertThat(resumedSteps.getFirst().step()).isEqualTo(9);
        assertThat(resumed.steps()).isEqualTo(20);
        ParameterLayout.flatten(uninterrupted.weights()).forEach((name, expected) ->
                assertThat(ParameterLayout.flatten(resumed.weights()).get(name)).as(name).containsExactly(expected));
        assertThat(resumed.evalLoss()).isEqualTo(uninterrupted.evalLoss());
        assertThat(store.checkpoints()).extracting(CheckpointStore::stepOf).containsExactly(16, 20);
    }

    @Test
    void shouldRefuseToResumeACheckpointOfAnotherPlan(@TempDir Path dir) {
        CheckpointStore store = new CheckpointStore(dir, 1);
        TrainingPlan plan = tinyPlan(TrainingConfig.defaults(2, 4, 32, 3e-3, 5).withEvaluation(2, 2));
        new TrainingRun(plan, corpus.data(), store, ProgressListener.NONE, 0).execute();

        TrainingPlan other = tinyPlan(TrainingConfig.defaults(4, 4, 32, 3e-3, 6).withEvaluation(2, 2));
        TrainingRun run = new TrainingRun(other, corpus.data(), store, ProgressListener.NONE, 0);

        assertThatThrownBy(run::execute)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another plan");
    }

    private static List<Double> losses(List<TrainingProgress> steps) {
        return steps.stream().map(TrainingProgress::loss).toList();
    }

    private static TrainingPlan tinyPlan(TrainingConfig training) {
        int vocab = corpus.vocabulary().size();
        return new TrainingPlan(ModelConfig.llama(2, 4, 2, 64, 160, vocab, 32, 0, 0, true), training);
    }

    private static double mean(List<TrainingProgress> steps) {
        return steps.stream().mapToDouble(TrainingProgress::loss).average().orElseThrow();
    }
}
