package dev.llmplatform.training.pipeline;

import dev.llmplatform.training.run.ProgressListener;

/** Told about a job as it goes, on the job's thread: each phase as it starts, then each training step. */
public interface PipelineListener extends ProgressListener {

    PipelineListener NONE = progress -> {
    };

    /** A phase begins: "loading dataset", "preparing tokenizer", "tokenizing", "training", "exporting". */
    default void onPhase(String phase) {
    }
}
