package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/**
 * Progress of one training job, on {@code llm.training.events}, keyed by job id.
 *
 * @param evalLoss NaN until the first evaluation
 */
public record TrainingEvent(
        int schemaVersion,
        String jobId,
        Status status,
        int step,
        int totalSteps,
        double loss,
        double evalLoss,
        double tokensPerSecond,
        double learningRate,
        String message,
        String modelVersion,
        long epochMs) implements Versioned {

    public static final int CURRENT_VERSION = 1;

    public TrainingEvent {
        Versioned.check(schemaVersion, CURRENT_VERSION, "TrainingEvent");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(status, "status");
    }

    public enum Status {
        QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase();
        }

        public boolean isTerminal() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }
    }
}
