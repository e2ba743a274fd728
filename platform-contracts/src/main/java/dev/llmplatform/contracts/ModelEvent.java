package dev.llmplatform.contracts;

import java.util.Objects;

/**
 * A model version published to the registry topic {@code llm.models}, keyed by model name
 * (compaction keeps the latest version of each model). The package lives in the shared model
 * store at {@code <store>/<name>/<version>/}.
 *
 * @param kind             "decoder" or "encoder"
 * @param parameterCount   number of weights
 * @param evalLoss         held-out loss in nats per token, NaN when unknown
 */
public record ModelEvent(
        int schemaVersion,
        String name,
        String version,
        String kind,
        long parameterCount,
        int contextLength,
        double evalLoss,
        String trainingJobId,
        long publishedEpochMs) implements Versioned {

    public static final int CURRENT_VERSION = 1;

    public ModelEvent {
        Versioned.check(schemaVersion, CURRENT_VERSION, "ModelEvent");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        kind = kind == null ? "decoder" : kind;
    }
}
