package dev.llmplatform.contracts;

import java.util.Objects;

/**
 * What to train: the model name to publish, the data, the tokenizer, the architecture and the
 * optimisation settings. Validated at the gateway; the training-service checks it again.
 */
public record TrainingSpec(
        String model,
        Dataset dataset,
        TokenizerSpec tokenizer,
        Architecture architecture,
        int steps,
        int batchSize,
        double learningRate,
        long seed,
        int checkpointEvery,
        int evalEvery) {

    public TrainingSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(architecture, "architecture");
    }

    /**
     * {@code type} is "synthetic", "synthetic-tools" (stories with tool-use chats between them) or "files";
     * {@code path} is relative to the allowed data root.
     */
    public record Dataset(String type, String path, Long seed, Integer documents) {
        public Dataset {
            Objects.requireNonNull(type, "dataset.type");
        }
    }

    /** Train a new byte-level BPE of {@code vocabSize}, or reuse the tokenizer of model {@code reuseModel}. */
    public record TokenizerSpec(Integer vocabSize, String reuseModel) {
    }

    public record Architecture(int layers, int hidden, int heads, int kvHeads, int context, Integer intermediate) {
    }
}
