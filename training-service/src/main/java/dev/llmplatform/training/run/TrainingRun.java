package dev.llmplatform.training.run;

import ai.djl.engine.Engine;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.training.checkpoint.Checkpoint;
import dev.llmplatform.training.checkpoint.CheckpointStore;
import dev.llmplatform.training.loop.OptimizerState;
import dev.llmplatform.training.loop.TokenData;
import dev.llmplatform.training.loop.Trainer;
import dev.llmplatform.training.loop.TrainingConfig;
import dev.llmplatform.training.loop.TrainingPlan;
import dev.llmplatform.training.model.TorchRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One training job from start (or its latest checkpoint) to its end: the entry point for the
 * service's job adapter. {@link #execute()} blocks the calling thread; {@link #cancel()} may be
 * called from any thread and takes effect before the next step.
 *
 * <p>With a {@link CheckpointStore}, the run first resumes from the newest checkpoint there (which
 * must have been written by the same plan on the same data), then checkpoints every
 * {@code checkpointEvery} steps and at the end. A cancelled run writes no checkpoint: a job killed
 * any other way resumes from the last periodic one, and ends with the same weights as a run
 * never interrupted (batches depend only on (seed, step), and the optimiser state is saved).
 */
public final class TrainingRun {

    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    private final TrainingPlan plan;
    private final TokenData data;
    private final CheckpointStore checkpoints;
    private final ProgressListener listener;
    private final int threads;
    private volatile boolean cancelRequested;

    /**
     * @param checkpoints where to resume from and save to; null for a run without checkpoints
     * @param threads     PyTorch intra-op threads; 0 keeps the process setting
     */
    public TrainingRun(TrainingPlan plan, TokenData data, CheckpointStore checkpoints, ProgressListener listener,
                       int threads) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.data = Objects.requireNonNull(data, "data");
        this.checkpoints = checkpoints;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.threads = threads;
    }

    /** Asks the run to stop before its next step; {@link #execute()} then returns a CANCELLED result. */
    public void cancel() {
        cancelRequested = true;
    }

    public TrainingPlan plan() {
        return plan;
    }

    /** Trains to the plan's last step unless cancelled. Throws {@code TrainingDivergedException} on NaN. */
    public TrainingResult execute() {
        long started = System.nanoTime();
        Engine engine = TorchRuntime.engine(threads);
        String fingerprint = data.fingerprint();
        Optional<Checkpoint> resumeFrom = checkpoints == null ? Optional.empty() : checkpoints.latest();
        resumeFrom.ifPresent(checkpoint -> checkpoint.requireResumableBy(plan, fingerprint));
        int firstStep = resumeFrom.map(Checkpoint::step).orElse(0);
        LlamaWeights initial = resumeFrom.map(Checkpoint::weights)
                .orElseGet(() -> RandomLlama.create(plan.model(), plan.training().seed()));
        OptimizerState optimizer = resumeFrom.map(Checkpoint::optimizer).orElse(OptimizerState.empty());
        if (firstStep > 0) {
            log.info("resuming from step {} of {} in {}", firstStep, plan.training().steps(), checkpoints.directory());
        }

        TrainingConfig config = plan.training();
        try (Trainer trainer = new Trainer(engine, plan, data, initial, optimizer)) {
            int step = firstStep;
            double evalLoss = Double.NaN;
            double lastLoss = Double.NaN;
            long trainingNanos = 0;
            while (step < config.steps()) {
                if (cancelRequested) {
                    return new TrainingResult(TrainingResult.Status.CANCELLED, step, trainer.weights(), evalLoss,
                            lastLoss, throughput(step - firstStep, trainingNanos), firstStep, since(started));
                }
                long stepStarted = System.nanoTime();
                Trainer.StepResult result = trainer.step(step);
                trainingNanos += System.nanoTime() - stepStarted;
                step++;
                lastLoss = result.loss();
                boolean evaluate = step % config.evalEvery() == 0 || step == config.steps();
                if (evaluate) {
                    evalLoss = trainer.evaluate();
                }
                listener.onStep(new TrainingProgress(step, config.steps(), result.loss(), evalLoss, evaluate,
                        throughput(step - firstStep, trainingNanos), result.learningRate(), result.gradientNorm()));
                boolean periodic = config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0;
                if (checkpoints != null && (periodic || step == config.steps())) {
                    Path folder = checkpoints.save(new Checkpoint(plan, step, fingerprint, trainer.weights(),
                            trainer.optimizerState()));
                    listener.onCheckpoint(step, folder);
                }
            }
            if (firstStep == config.steps()) {
                evalLoss = trainer.evaluate(); // resumed a run that had already finished
            }
            return new TrainingResult(TrainingResult.Status.COMPLETED, step, trainer.weights(), evalLoss, lastLoss,
                    throughput(step - firstStep, trainingNanos), firstStep, since(started));
        }
    }

    private double throughput(int steps, long nanos) {
        return nanos == 0 ? 0 : steps * (double) plan.training().tokensPerStep() / (nanos / 1e9);
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
