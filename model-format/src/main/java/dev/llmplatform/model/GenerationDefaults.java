package dev.llmplatform.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code generation_config.json}: the model's default sampling settings (null where unset). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GenerationDefaults(
        @JsonProperty("do_sample") Boolean doSample,
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("top_k") Integer topK,
        @JsonProperty("max_new_tokens") Integer maxNewTokens,
        @JsonProperty("bos_token_id") Integer bosTokenId,
        @JsonProperty("eos_token_id") Integer eosTokenId) {

    public static final GenerationDefaults NONE = new GenerationDefaults(null, null, null, null, null, null, null);
}
