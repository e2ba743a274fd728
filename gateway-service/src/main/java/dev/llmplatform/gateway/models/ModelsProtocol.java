package dev.llmplatform.gateway.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.model.ModelKind;

import java.util.List;

/** {@code /v1/models} in OpenAI's JSON shape, plus the platform's facts about each model. */
public final class ModelsProtocol {

    public static final String OWNER = "llm-platform";

    private ModelsProtocol() {
    }

    public record ModelList(String object, List<ModelCard> data) {
        public static ModelList of(List<ModelCard> cards) {
            return new ModelList("list", cards);
        }
    }

    /**
     * @param created       publication time in seconds since the epoch, as OpenAI gives it
     * @param contextLength null when unknown
     * @param evalLoss      held-out loss in nats per token, null when unknown
     * @param state         {@code ready}, {@code converting} (see progress) or {@code failed} (see error)
     * @param architecture  config.json's architecture, e.g. {@code Qwen2ForCausalLM}
     * @param sourceFormat  what the store holds: {@code platform}, {@code onnx} or {@code safetensors}
     * @param weightFormat  weights as served: {@code fp32}, {@code int8}, {@code int4}
     * @param chatTemplate  whether chat completions can render the model's own template
     * @param pending       a newer version not serving yet, with its state
     * @param capabilities  the endpoints that serve this model, from its kind (see {@link #capabilities})
     */
    public record ModelCard(
            String id,
            String object,
            long created,
            @JsonProperty("owned_by") String ownedBy,
            String version,
            String kind,
            @JsonProperty("parameter_count") long parameterCount,
            @JsonProperty("context_length") Integer contextLength,
            @JsonProperty("eval_loss") Double evalLoss,
            String state,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double progress,
            @JsonInclude(JsonInclude.Include.NON_NULL) String error,
            String architecture,
            @JsonProperty("source_format") String sourceFormat,
            @JsonProperty("weight_format") String weightFormat,
            @JsonProperty("chat_template") Boolean chatTemplate,
            @JsonInclude(JsonInclude.Include.NON_NULL) Pending pending,
            List<String> capabilities) {

        public static ModelCard of(RegisteredModel model) {
            ModelEvent e = model.event();
            ModelEvent.State state = model.state();
            return new ModelCard(model.name(), "model", model.createdEpochMs() / 1000, OWNER, model.version(),
                    model.kind(), model.parameterCount(), model.contextLength() > 0 ? model.contextLength() : null,
                    Double.isFinite(model.evalLoss()) ? model.evalLoss() : null, state.wireName(),
                    e == null || state != ModelEvent.State.CONVERTING ? null : e.progress(),
                    e == null || state != ModelEvent.State.FAILED ? null : e.message(),
                    e == null ? null : e.architecture(), e == null ? null : e.sourceFormat(),
                    e == null ? null : e.weightFormat(), e == null ? null : e.chatTemplate(),
                    e == null || e.pending() == null ? null : Pending.of(e.pending()), ModelsProtocol.capabilities(model.kind()));
        }
    }

    /**
     * What a model of this kind is served by: a decoder generates ({@code completions}, {@code chat});
     * an encoder (a bi-encoder such as all-MiniLM-L6-v2) embeds, and its embeddings rank and score
     * ({@code embeddings}, {@code rerank}, {@code score}); a cross-encoder reads each pair and gives its relevance
     * ({@code rerank}, {@code score}), with no embeddings of its own. An unknown kind serves nothing.
     */
    public static List<String> capabilities(String kind) {
        return switch (kind) {
            case ModelKind.DECODER -> List.of("completions", "chat");
            case ModelKind.ENCODER -> List.of("embeddings", "rerank", "score");
            case ModelKind.CROSS_ENCODER -> List.of("rerank", "score");
            case null, default -> List.of();
        };
    }

    /** A newer version than the one serving: converting (with progress) or failed (with the error). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pending(String version, String state, Double progress, String error) {
        static Pending of(ModelEvent.Pending p) {
            return new Pending(p.version(), p.state().wireName(), p.progress(),
                    p.state() == ModelEvent.State.FAILED ? p.message() : null);
        }
    }
}
