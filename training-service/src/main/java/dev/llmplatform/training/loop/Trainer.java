package dev.llmplatform.training.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.training.model.LlamaModel;
import dev.llmplatform.training.model.TorchRuntime;

import java.util.List;

/**
 * The training loop's core: one optimiser step on the batch of a given step index, and the
 * held-out loss. Holds the model, AdamW and the samplers; knows nothing of checkpoints, progress
 * or cancellation (see {@code TrainingRun}). Not thread-safe: drive it from one thread at a time.
 */
public final class Trainer implements AutoCloseable {

    /** DJL's PyTorch engine allows one gradient collector at a time per JVM; runs take turns per step. */
    private static final Object AUTOGRAD = new Object();

    /** What one step did. */
    public record StepResult(double loss, double learningRate, double gradientNorm) {
    }

    private final Engine engine;
    private final TrainingConfig config;
    private final NDManager root;
    private final LlamaModel model;
    private final AdamW optimizer;
    private final BatchSampler sampler;
    private final List<BatchSampler.Batch> evalBatches;

    /** Starts from {@code weights} and {@code optimizer} state (fresh: random weights, {@link OptimizerState#empty()}). */
    public Trainer(Engine engine, TrainingPlan plan, TokenData data, LlamaWeights weights, OptimizerState optimizer) {
        if (!weights.config().equals(plan.model())) {
            throw new IllegalArgumentException("weights do not match the plan's model config");
        }
        if (data.requiredVocabSize() > plan.model().vocabSize()) {
            throw new IllegalArgumentException("token id " + (data.requiredVocabSize() - 1)
                    + " outside the model's vocabulary of " + plan.model().vocabSize());
        }
        this.engine = engine;
        this.config = plan.training();
        this.sampler = new BatchSampler(data.train(), config.batchSize(), config.context(), config.seed());
        this.evalBatches = BatchSampler.evalBatches(data.eval(), config.context(), config.evalWindows(),
                config.batchSize());
        TorchRuntime.disableGradientsOnThisThread();
        this.root = engine.newBaseManager();
        this.model = LlamaModel.fromLlamaWeights(root, weights);
        this.optimizer = new AdamW(model, config, optimizer);
    }

    /** Trains on batch {@code step} (0-based) at the scheduled learning rate. */
    public StepResult step(int step) {
        TorchRuntime.disableGradientsOnThisThread();
        BatchSampler.Batch batch = sampler.batch(step);
        double loss;
        try (NDManager scope = model.newStep()) {
            NDArray inputs = scope.create(batch.inputs(), new Shape(batch.batchSize(), batch.context()));
            NDArray targets = scope.create(batch.targets(), new Shape(batch.batchSize(), batch.context()));
            synchronized (AUTOGRAD) {
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray lossArray = model.loss(inputs, targets);
                    collector.backward(lossArray);
                    loss = lossArray.getFloat();
                }
            }
        }
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("loss is " + loss + " at step " + step);
        }
        double learningRate = config.learningRateAt(step);
        double gradientNorm = optimizer.update(model, learningRate, config.gradientClip());
        return new StepResult(loss, learningRate, gradientNorm);
    }

    /** Mean next-token loss (nats/token) over the fixed held-out windows. */
    public double evaluate() {
        TorchRuntime.disableGradientsOnThisThread();
        double sum = 0;
        long rows = 0;
        for (BatchSampler.Batch batch : evalBatches) {
            try (NDManager scope = model.newStep()) {
                NDArray inputs = scope.create(batch.inputs(), new Shape(batch.batchSize(), batch.context()));
                NDArray targets = scope.create(batch.targets(), new Shape(batch.batchSize(), batch.context()));
                sum += model.loss(inputs, targets).getFloat() * (double) batch.batchSize();
                rows += batch.batchSize();
            }
        }
        return sum / rows;
    }

    public LlamaWeights weights() {
        return model.toLlamaWeights();
    }

    public OptimizerState optimizerState() {
        return optimizer.state();
    }

    @Override
    public void close() {
        optimizer.close();
        model.close();
        root.close();
    }
}
