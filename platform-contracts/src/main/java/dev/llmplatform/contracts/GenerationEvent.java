package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Objects;

/**
 * Text back to the caller, on the reply topic the request named, keyed by request id.
 * A stream is zero or more {@link Delta}s followed by exactly one {@link Completed} or {@link Failed};
 * a tokenizer request is answered by one {@link Tokenized}, {@link Detokenized} or {@link Failed};
 * an analysis request by one {@link Analysis} event or {@link Failed}, sent by the inference-service.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = GenerationEvent.Delta.class, name = "delta"),
        @JsonSubTypes.Type(value = GenerationEvent.Completed.class, name = "completed"),
        @JsonSubTypes.Type(value = GenerationEvent.Failed.class, name = "failed"),
        @JsonSubTypes.Type(value = GenerationEvent.Tokenized.class, name = "tokenized"),
        @JsonSubTypes.Type(value = GenerationEvent.Detokenized.class, name = "detokenized"),
        @JsonSubTypes.Type(value = GenerationEvent.Embeddings.class, name = "embeddings"),
        @JsonSubTypes.Type(value = GenerationEvent.Attention.class, name = "attention"),
        @JsonSubTypes.Type(value = GenerationEvent.Scores.class, name = "scores")})
public sealed interface GenerationEvent extends Versioned {

    int CURRENT_VERSION = 1;

    String requestId();

    /** True for the last event about a request: everything but {@link Delta}. */
    default boolean isTerminal() {
        return !(this instanceof Delta);
    }

    /**
     * New text and the tokens that made it. Text may lag tokens by a few bytes (an incomplete
     * UTF-8 character, or a possible start of a stop string is held back until resolved).
     * {@code promptLogprobs}: see {@link Completed}.
     *
     * @param offset index in the generation of the first of {@code tokenIds}; a Delta sent again (its
     *               token event redelivered after a tokenizer failed) has an offset the gateway already
     *               passed and is dropped there. Null from a sender that does not set it: never dropped.
     */
    record Delta(int schemaVersion, String requestId, String text, List<Integer> tokenIds,
                 List<LogprobEntry> logprobs, List<LogprobEntry> promptLogprobs, Integer offset) implements GenerationEvent {
        public Delta {
            Versioned.check(schemaVersion, CURRENT_VERSION, "GenerationEvent");
            Objects.requireNonNull(requestId, "requestId");
            text = text == null ? "" : text;
            tokenIds = tokenIds == null ? List.of() : List.copyOf(tokenIds);
        }
    }

    /**
     * The end of a stream: the last text (may be empty), why it ended, token counts and timings.
     *
     * @param promptLogprobs on the first event of a request that asked for them (echo with logprobs), one
     *                       entry per prompt token with its text; the first entry has no log-probability
     *                       (nothing precedes it: logprob 0, no alternatives), shown as null; else null
     * @param stopSequence   the stop string that ended the generation (finish reason {@code stop}, text cut
     *                       before it; vLLM's {@code stop_reason}); null when a stop token or anything else did.
     *                       Added without a version bump: an older sender leaves it out, an older reader ignores it
     */
    record Completed(int schemaVersion, String requestId, String text, List<Integer> tokenIds,
                     List<LogprobEntry> logprobs, FinishReason finishReason, Usage usage,
                     Timings timings, List<LogprobEntry> promptLogprobs, String stopSequence) implements GenerationEvent {
        public Completed {
            Versioned.check(schemaVersion, CURRENT_VERSION, "GenerationEvent");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(finishReason, "finishReason");
            text = text == null ? "" : text;
            tokenIds = tokenIds == null ? List.of() : List.copyOf(tokenIds);
        }

        /** A completion that no stop string ended. */
        public Completed(int schemaVersion, String requestId, String text, List<Integer> tokenIds,
                         List<LogprobEntry> logprobs, FinishReason finishReason, Usage usage,
                         Timings timings, List<LogprobEntry> promptLogprobs) {
            this(schemaVersion, requestId, text, tokenIds, logprobs, finishReason, usage, timings, promptLogprobs, null);
        }
    }

    /** The request failed; the gateway answers with this error. */
    record Failed(int schemaVersion, String requestId, ErrorInfo error) implements GenerationEvent {
        public Failed {
            Versioned.check(schemaVersion, CURRENT_VERSION, "GenerationEvent");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(error, "error");
        }
    }

    /** Answer to {@link TokenizerRequest.Tokenize}: ids, each token's text, and the model's context length. */
    record Tokenized(int schemaVersion, String requestId, List<Integer> tokenIds, List<String> tokens,
                     int maxModelLength) implements GenerationEvent {
        public Tokenized {
            Versioned.check(schemaVersion, CURRENT_VERSION, "GenerationEvent");
            Objects.requireNonNull(requestId, "requestId");
            tokenIds = tokenIds == null ? List.of() : List.copyOf(tokenIds);
            tokens = tokens == null ? List.of() : List.copyOf(tokens);
        }
    }

    /** Answer to {@link TokenizerRequest.Detokenize}. */
    record Detokenized(int schemaVersion, String requestId, String text) implements GenerationEvent {
        public Detokenized {
            Versioned.check(schemaVersion, CURRENT_VERSION, "GenerationEvent");
            Objects.requireNonNull(requestId, "requestId");
            text = text == null ? "" : text;
        }
    }

    /** The answer to an {@link AnalysisRequest}: one graph run, no generation. */
    sealed interface Analysis extends GenerationEvent permits Embeddings, Attention, Scores {
    }

    /**
     * A cross-encoder's raw relevance logit for each pair of an {@link AnalysisRequest.Score}, in pair order (the
     * caller turns it into a score: a sigmoid for a one-label model, as sentence-transformers' CrossEncoder does).
     *
     * @param promptTokens tokens of all pairs, special tokens included
     */
    record Scores(int schemaVersion, String requestId, float[] logits, int promptTokens) implements Analysis {
        public Scores {
            Versioned.check(schemaVersion, CURRENT_VERSION, "GenerationEvent");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(logits, "logits");
        }
    }

    /**
     * One L2-normalised vector per input, in input order (mean of the last hidden states over
     * the real tokens, as sentence-transformers pools).
     *
     * @param promptTokens tokens of all inputs, special tokens included (OpenAI's {@code prompt_tokens})
     */
    record Embeddings(int schemaVersion, String requestId, float[][] vectors, int promptTokens)
            implements Analysis {
        public Embeddings {
            Versioned.check(schemaVersion, CURRENT_VERSION, "GenerationEvent");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(vectors, "vectors");
        }
    }

    /**
     * Attention probabilities of every layer and head, rounded to 4 decimals:
     * {@code weights[layer][head][query][key]}, each query's row summing to 1.
     *
     * @param causal true for a decoder (no query attends to a later key), false for an encoder
     */
    record Attention(int schemaVersion, String requestId, boolean causal, List<String> tokens,
                     List<Integer> tokenIds, int layers, int heads, float[][][][] weights) implements Analysis {
        public Attention {
            Versioned.check(schemaVersion, CURRENT_VERSION, "GenerationEvent");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(weights, "weights");
            tokens = tokens == null ? List.of() : List.copyOf(tokens);
            tokenIds = tokenIds == null ? List.of() : List.copyOf(tokenIds);
            if (weights.length != layers || (layers > 0 && weights[0].length != heads)) {
                throw new IllegalArgumentException("weights must be [layers][heads][query][key]");
            }
        }
    }

    /** A token's text with its log-probability and top alternatives, in OpenAI's terms. */
    record LogprobEntry(String token, int tokenId, double logprob, List<Alternative> top) {
        public record Alternative(String token, int tokenId, double logprob) {
        }
    }
}
