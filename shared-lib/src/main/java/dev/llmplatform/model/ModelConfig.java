package dev.llmplatform.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * A Llama-style decoder's architecture, read from and written to a Hugging Face
 * {@code config.json} (the {@code LlamaForCausalLM} keys), so Optimum exports and our own
 * packages share one format.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelConfig(
        @JsonProperty("model_type") String modelType,
        @JsonProperty("architectures") List<String> architectures,
        @JsonProperty("num_hidden_layers") int layers,
        @JsonProperty("num_attention_heads") int heads,
        @JsonProperty("num_key_value_heads") int kvHeads,
        @JsonProperty("hidden_size") int hidden,
        @JsonProperty("intermediate_size") int intermediate,
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("max_position_embeddings") int contextLength,
        @JsonProperty("rope_theta") double ropeTheta,
        @JsonProperty("rms_norm_eps") double rmsNormEps,
        @JsonProperty("bos_token_id") int bosTokenId,
        @JsonProperty("eos_token_id") int eosTokenId,
        @JsonProperty("tie_word_embeddings") boolean tieWordEmbeddings,
        @JsonProperty("torch_dtype") String torchDtype) {

    public ModelConfig {
        if (modelType == null) {
            modelType = "llama";
        }
        if (architectures == null) {
            architectures = List.of("LlamaForCausalLM");
        }
        if (kvHeads == 0) {
            kvHeads = heads;
        }
        if (ropeTheta == 0) {
            ropeTheta = 10000.0;
        }
        if (rmsNormEps == 0) {
            rmsNormEps = 1e-5;
        }
        if (torchDtype == null) {
            torchDtype = "float32";
        }
        if (layers <= 0 || heads <= 0 || hidden <= 0 || vocabSize <= 0 || contextLength <= 0) {
            throw new IllegalArgumentException("config.json: layers, heads, hidden_size, vocab_size and max_position_embeddings must be > 0");
        }
        if (hidden % heads != 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("config.json: hidden_size must divide by heads and heads by kv heads");
        }
    }

    /** A Llama config with the usual defaults for the fields not given. */
    public static ModelConfig llama(int layers, int heads, int kvHeads, int hidden, int intermediate,
                                    int vocabSize, int contextLength, int bosTokenId, int eosTokenId,
                                    boolean tieWordEmbeddings) {
        return new ModelConfig("llama", List.of("LlamaForCausalLM"), layers, heads, kvHeads, hidden, intermediate,
                vocabSize, contextLength, 10000.0, 1e-5, bosTokenId, eosTokenId, tieWordEmbeddings, "float32");
    }

    public int headDim() {
        return hidden / heads;
    }

    /** Number of weights, counting a tied head once. */
    public long parameterCount() {
        long h = hidden;
        long perLayer = 2 * h                                   // two RMSNorm weights
                + h * h                                         // q
                + 2 * h * (long) kvHeads * headDim()            // k, v
                + h * h                                         // o
                + 3 * h * intermediate;                         // gate, up, down
        long embed = (long) vocabSize * h;
        return embed + layers * perLayer + h + (tieWordEmbeddings ? 0 : embed);
    }
}
