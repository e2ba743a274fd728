package dev.llmplatform.model;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/**
 * {@code generation_config.json}: the model's default sampling settings (null where unset), as
 * Hugging Face writes it: {@code eos_token_id} a single id or a list (Llama 3.1 lists three),
 * {@code bos_token_id} possibly null.
 *
 * @param eosTokenIds       every id that ends generation; empty when the file names none
 * @param repetitionPenalty Hugging Face's multiplicative penalty (1 = off); null when unset
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerationDefaults(
        @JsonProperty("do_sample") Boolean doSample,
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("top_k") Integer topK,
        @JsonProperty("max_new_tokens") Integer maxNewTokens,
        @JsonProperty("bos_token_id") Integer bosTokenId,
        @JsonProperty("eos_token_id") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<Integer> eosTokenIds,
        @JsonProperty("repetition_penalty") Double repetitionPenalty) {

    public static final GenerationDefaults NONE = new GenerationDefaults(null, null, null, null, null, null, List.of(), null);

    public GenerationDefaults {
        eosTokenIds = eosTokenIds == null ? List.of() : eosTokenIds.stream().filter(Objects::nonNull).toList();
    }

    /** The settings as the platform wrote them before lists and penalties were read: one eos id or none. */
    public GenerationDefaults(Boolean doSample, Double temperature, Double topP, Integer topK, Integer maxNewTokens,
                              Integer bosTokenId, Integer eosTokenId) {
        this(doSample, temperature, topP, topK, maxNewTokens, bosTokenId,
                eosTokenId == null ? List.of() : List.of(eosTokenId), null);
    }

    /** The first end-of-sequence id, or null when the file names none. */
    @JsonIgnore
    public Integer eosTokenId() {
        return eosTokenIds.isEmpty() ? null : eosTokenIds.getFirst();
    }
}
