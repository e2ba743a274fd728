package dev.llmplatform.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * A decoder's architecture as Hugging Face writes it in {@code config.json}: the
 * {@code LlamaForCausalLM} keys, with GPT-2's own names ({@code n_layer}, {@code n_head},
 * {@code n_embd}, {@code n_positions}) accepted as aliases, so Optimum exports, users' checkpoints
 * and our own packages share one reader.
 *
 * <p>As Hugging Face allows: {@code bos_token_id} may be null or missing, {@code eos_token_id} a
 * single id or a list (every id in it ends generation), {@code head_dim} may be given explicitly
 * (Qwen3, Gemma-style configs where it is not hidden / heads).
 *
 * <p>Keys HF writes as {@code null} ({@code n_inner}, {@code num_key_value_heads}, {@code head_dim}) are
 * boxed here and replaced by their meaning, so the accessors never return null.
 *
 * @param eosTokenIds  empty when the config names none
 * @param headDimension explicit {@code head_dim}; null when not given (then hidden / heads)
 * @param ropeScaling  {@code rope_scaling} as written (null when absent); read by the converters
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelConfig(
        @JsonProperty("model_type") String modelType,
        @JsonProperty("architectures") List<String> architectures,
        @JsonProperty("num_hidden_layers") @JsonAlias("n_layer") int layers,
        @JsonProperty("num_attention_heads") @JsonAlias("n_head") int heads,
        @JsonProperty("num_key_value_heads") Integer kvHeads,
        @JsonProperty("hidden_size") @JsonAlias("n_embd") int hidden,
        @JsonProperty("intermediate_size") @JsonAlias("n_inner") Integer intermediate,
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("max_position_embeddings") @JsonAlias("n_positions") int contextLength,
        @JsonProperty("rope_theta") Double ropeTheta,
        @JsonProperty("rms_norm_eps") @JsonAlias("layer_norm_epsilon") Double rmsNormEps,
        @JsonProperty("bos_token_id") Integer bosToken,
        @JsonProperty("eos_token_id") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> eosTokenIds,
        @JsonProperty("tie_word_embeddings") Boolean tieWordEmbeddingsFlag,
        @JsonProperty("torch_dtype") @JsonAlias("dtype") String torchDtype,
        @JsonProperty("head_dim") Integer headDimension,
        @JsonProperty("rope_scaling") Map<String, Object> ropeScaling) {

    public ModelConfig {
        if (modelType == null) {
            modelType = "llama";
        }
        if (architectures == null) {
            architectures = List.of("LlamaForCausalLM");
        }
        if (kvHeads == null || kvHeads == 0) {
            kvHeads = heads;
        }
        if (intermediate == null) {
            intermediate = "gpt2".equals(modelType) ? 4 * hidden : 0;   // GPT-2 writes n_inner: null for 4 × n_embd
        }
        if (ropeTheta == null || ropeTheta == 0) {
            ropeTheta = 10000.0;
        }
        if (rmsNormEps == null || rmsNormEps == 0) {
            rmsNormEps = 1e-5;
        }
        if (torchDtype == null) {
            torchDtype = "float32";
        }
        eosTokenIds = eosTokenIds == null ? List.of() : eosTokenIds.stream().filter(java.util.Objects::nonNull).toList();
        if (layers <= 0 || heads <= 0 || hidden <= 0 || vocabSize <= 0 || contextLength <= 0) {
            throw new IllegalArgumentException("config.json: num_hidden_layers, num_attention_heads, hidden_size, "
                    + "vocab_size and max_position_embeddings must be > 0");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("config.json: num_attention_heads (" + heads
                    + ") must be a multiple of num_key_value_heads (" + kvHeads + ")");
        }
        if ((headDimension == null || headDimension <= 0) && hidden % heads != 0) {
            throw new IllegalArgumentException("config.json: hidden_size (" + hidden
                    + ") must divide by num_attention_heads (" + heads + ") when head_dim is not given");
        }
    }

    /** Keys a decoder's config.json must give, each with the GPT-2 name that may stand for it. */
    private static final String[][] REQUIRED = {{"num_hidden_layers", "n_layer"}, {"num_attention_heads", "n_head"},
            {"hidden_size", "n_embd"}, {"vocab_size", null}, {"max_position_embeddings", "n_positions"}};

    /**
     * Reads a {@code config.json}; a missing or unreadable key is an {@link IllegalArgumentException}
     * that names it ({@code source} names the file in the message), never a raw parser message.
     */
    public static ModelConfig parse(String json, String source) {
        tools.jackson.databind.JsonNode tree;
        try {
            tree = dev.llmplatform.contracts.Messages.mapper().readTree(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + e.getMessage(), e);
        }
        for (String[] key : REQUIRED) {
            boolean given = isNumber(tree, key[0]) || (key[1] != null && isNumber(tree, key[1]));
            if (!given) {
                throw new IllegalArgumentException(source + ": '" + key[0] + "' is missing or not a number");
            }
        }
        try {
            return dev.llmplatform.contracts.Messages.mapper().treeToValue(tree, ModelConfig.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage().replaceFirst("^config.json: ", ""), e);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException(source + ": " + cause.getMessage(), e);
        }
    }

    private static boolean isNumber(tools.jackson.databind.JsonNode tree, String key) {
        return tree.path(key).isNumber();
    }

    /** A Llama config with the usual defaults for the fields not given. */
    public static ModelConfig llama(int layers, int heads, int kvHeads, int hidden, int intermediate,
                                    int vocabSize, int contextLength, int bosTokenId, int eosTokenId,
                                    boolean tieWordEmbeddings) {
        return new ModelConfig("llama", List.of("LlamaForCausalLM"), layers, heads, kvHeads, hidden, intermediate,
                vocabSize, contextLength, 10000.0, 1e-5, bosTokenId, List.of(eosTokenId), tieWordEmbeddings, "float32",
                null, null);
    }

    /** This config with the head tied or untied. */
    public ModelConfig withTiedHead(boolean tied) {
        return new ModelConfig(modelType, architectures, layers, heads, kvHeads, hidden, intermediate, vocabSize,
                contextLength, ropeTheta, rmsNormEps, bosToken, eosTokenIds, tied, torchDtype, headDimension, ropeScaling);
    }

    /** This config with another context length (e.g. bounded by the tokenizer's {@code model_max_length}). */
    public ModelConfig withContextLength(int length) {
        return new ModelConfig(modelType, architectures, layers, heads, kvHeads, hidden, intermediate, vocabSize,
                length, ropeTheta, rmsNormEps, bosToken, eosTokenIds, tieWordEmbeddingsFlag, torchDtype, headDimension,
                ropeScaling);
    }

    /** This config with other end-of-sequence ids (e.g. joined with {@code generation_config.json}'s). */
    public ModelConfig withEosTokenIds(List<Integer> ids) {
        return new ModelConfig(modelType, architectures, layers, heads, kvHeads, hidden, intermediate, vocabSize,
                contextLength, ropeTheta, rmsNormEps, bosToken, ids, tieWordEmbeddingsFlag, torchDtype, headDimension,
                ropeScaling);
    }

    /**
     * Whether the LM head is the embedding. When the key is missing, the family's own default applies
     * as in Hugging Face's config classes: GPT-2 ties, Llama, Mistral and Qwen do not.
     */
    @JsonIgnore
    public boolean tieWordEmbeddings() {
        return tieWordEmbeddingsFlag == null ? "gpt2".equals(modelType) : tieWordEmbeddingsFlag;
    }

    /** The begin-of-sequence id, or -1 when the config has none ({@code null} or missing). */
    @JsonIgnore
    public int bosTokenId() {
        return bosToken == null ? -1 : bosToken;
    }

    /** The first end-of-sequence id (the one written by tools that take a single id), or -1. */
    @JsonIgnore
    public int eosTokenId() {
        return eosTokenIds.isEmpty() ? -1 : eosTokenIds.getFirst();
    }

    @JsonIgnore
    public int headDim() {
        return headDimension != null && headDimension > 0 ? headDimension : hidden / heads;
    }

    /** Number of weights, counting a tied head once (Llama layout, biases and norms of other families aside). */
    public long parameterCount() {
        long h = hidden;
        long qDim = (long) heads * headDim();
        long perLayer = 2 * h                                   // two RMSNorm weights
                + h * qDim                                      // q
                + 2 * h * (long) kvHeads * headDim()            // k, v
                + qDim * h                                      // o
                + 3 * h * intermediate;                         // gate, up, down
        long embed = (long) vocabSize * h;
        return embed + layers * perLayer + h + (tieWordEmbeddings() ? 0 : embed);
    }
}
