package dev.llmplatform.training.run;

import java.nio.file.Path;

/** Told about a run as it goes, on the training thread: keep it quick (hand off to Kafka, a queue…). */
public interface ProgressListener {

    ProgressListener NONE = progress -> {
    };

    void onStep(TrainingProgress progress);

    /** A checkpoint of {@code step} completed steps now lies, complete, in {@code dir}. */
    default void onCheckpoint(int step, Path dir) {
    }
}
