package dev.llmplatform.gateway.models;

import com.fasterxml.jackson.annotation.JsonProperty;

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
            @JsonProperty("eval_loss") Double evalLoss) {

        public static ModelCard of(RegisteredModel model) {
            return new ModelCard(model.name(), "model", model.createdEpochMs() / 1000, OWNER, model.version(),
                    model.kind(), model.parameterCount(), model.contextLength() > 0 ? model.contextLength() : null,
                    Double.isFinite(model.evalLoss()) ? model.evalLoss() : null);
        }
    }
}
