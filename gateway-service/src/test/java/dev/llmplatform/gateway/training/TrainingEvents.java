package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingEvent;
import dev.llmplatform.contracts.TrainingEvent.Status;

/** Training events as the training-service writes them, for tests; dated in 2023, before any job a test submits. */
final class TrainingEvents {

    private TrainingEvents() {
    }

    static TrainingEvent queued(String jobId, int totalSteps) {
        return event(jobId, Status.QUEUED, 0, totalSteps, Double.NaN, null, null);
    }

    static TrainingEvent running(String jobId, int step, int totalSteps, double loss) {
        return event(jobId, Status.RUNNING, step, totalSteps, loss, null, null);
    }

    static TrainingEvent succeeded(String jobId, int totalSteps, double loss, String modelVersion) {
        return event(jobId, Status.SUCCEEDED, totalSteps, totalSteps, loss, "published", modelVersion);
    }

    static TrainingEvent cancelled(String jobId, int step, int totalSteps) {
        return event(jobId, Status.CANCELLED, step, totalSteps, Double.NaN, "cancelled by request", null);
    }

    static TrainingEvent event(String jobId, Status status, int step, int totalSteps, double loss, String message,
                               String modelVersion) {
        double evalLoss = step >= 2 ? loss + 0.25 : Double.NaN;
        return new TrainingEvent(TrainingEvent.CURRENT_VERSION, jobId, status, step, totalSteps, loss, evalLoss,
                1234.5, 1e-3, message, modelVersion, 1_700_000_000_000L + step * 1000L);
    }
}
