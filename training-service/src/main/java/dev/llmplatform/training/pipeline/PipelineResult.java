package dev.llmplatform.training.pipeline;

import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.training.run.TrainingResult;

/**
 * How a job ended (a failure is an exception instead).
 *
 * @param modelPackage    the published package; null when cancelled
 * @param training        the run itself; null when the package had been published by an earlier delivery
 * @param unigramEvalLoss the context-free baseline on the same held-out tokens (NaN if unknown)
 */
public record PipelineResult(Status status, ModelPackage modelPackage, TrainingResult training, double evalLoss,
                             double unigramEvalLoss) {

    public enum Status { SUCCEEDED, CANCELLED }

    public int steps() {
        return training == null ? 0 : training.steps();
    }
}
