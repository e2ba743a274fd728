package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * A model on the registry topic {@code llm.models}, keyed by model name (compaction keeps the
 * latest record of each model; a tombstone withdraws it). The package lives in the shared model
 * store at {@code <store>/<name>/<version>/}. One writer announces every model, trained or
 * dropped into the store: the training-service's store watcher.
 *
 * <p>{@link #version} is the version that serves: the newest ready one, or, while none is ready,
 * the newest found (then {@link #state} says why it cannot serve yet). A newer version still being
 * converted, or one that failed, while an older one serves, is {@link #pending}.
 *
 * @param kind           "decoder" or "encoder"
 * @param parameterCount number of weights
 * @param evalLoss       held-out loss in nats per token, NaN when unknown
 * @param state          {@link State#READY}, {@link State#CONVERTING} or {@link State#FAILED} (schema 1: always ready)
 * @param progress       conversion progress 0..1 while converting
 * @param message        the reason when failed, the current step while converting
 * @param architecture   e.g. {@code LlamaForCausalLM}, {@code Qwen3ForCausalLM}
 * @param sourceFormat   what the user's files are: {@code platform}, {@code onnx}, {@code safetensors}
 * @param weightFormat   weights as served: {@code fp32}, {@code fp16}, {@code int8}, {@code int4}
 * @param chatTemplate   whether the tokenizer config carries a chat template
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelEvent(
        int schemaVersion,
        String name,
        String version,
        String kind,
        long parameterCount,
        int contextLength,
        double evalLoss,
        String trainingJobId,
        long publishedEpochMs,
        State state,
        Double progress,
        String message,
        String architecture,
        String sourceFormat,
        String weightFormat,
        Boolean chatTemplate,
        Pending pending) implements Versioned {

    public static final int CURRENT_VERSION = 2;

    public enum State {
        @JsonProperty("ready") READY,
        @JsonProperty("converting") CONVERTING,
        @JsonProperty("failed") FAILED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A newer version than the one serving, not ready yet. */
    public record Pending(String version, State state, Double progress, String message) {
    }

    public ModelEvent {
        Versioned.check(schemaVersion, CURRENT_VERSION, "ModelEvent");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        kind = kind == null ? "decoder" : kind;
        state = state == null ? State.READY : state;
    }

    /** A ready model as schema 1 described it (trained packages, tests). */
    public ModelEvent(int schemaVersion, String name, String version, String kind, long parameterCount,
                      int contextLength, double evalLoss, String trainingJobId, long publishedEpochMs) {
        this(schemaVersion, name, version, kind, parameterCount, contextLength, evalLoss, trainingJobId,
                publishedEpochMs, State.READY, null, null, null, null, null, null, null);
    }

    public boolean ready() {
        return state == State.READY;
    }
}
