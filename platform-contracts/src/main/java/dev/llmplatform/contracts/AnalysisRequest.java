package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Objects;

/**
 * Tokenized input for a graph run without generation, on {@code llm.inference.analysis}, keyed by
 * request id. Written by the tokenizer-service; the inference-service answers straight to
 * {@code replyTo} with a {@link GenerationEvent.Analysis} or a {@link GenerationEvent.Failed}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AnalysisRequest.Embed.class, name = "embed"),
        @JsonSubTypes.Type(value = AnalysisRequest.Attend.class, name = "attend"),
        @JsonSubTypes.Type(value = AnalysisRequest.Score.class, name = "score")})
public sealed interface AnalysisRequest extends Versioned {

    int CURRENT_VERSION = 1;

    /** Most texts one embeddings request may carry (one graph run pads them all to the longest). */
    int MAX_EMBEDDING_INPUTS = 64;

    /**
     * Most tokens an attention map is computed for: the answer holds layers × heads × n² weights,
     * so this keeps it a few megabytes.
     */
    int MAX_ATTENTION_TOKENS = 64;

    String requestId();

    String model();

    /** The exact model version the tokenizer used, so both sides see the same vocabulary. */
    String version();

    /** When the caller stops waiting (epoch ms); 0 for never. */
    long deadlineEpochMs();

    ReplyTo replyTo();

    /** Token ids of each input, special tokens ([CLS] … [SEP]) included. */
    record Embed(int schemaVersion, String requestId, String model, String version, List<List<Integer>> inputs,
                 long deadlineEpochMs, ReplyTo replyTo) implements AnalysisRequest {
        public Embed {
            Versioned.check(schemaVersion, CURRENT_VERSION, "AnalysisRequest");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(inputs, "inputs");
            Objects.requireNonNull(replyTo, "replyTo");
            if (inputs.isEmpty() || inputs.size() > MAX_EMBEDDING_INPUTS) {
                throw new IllegalArgumentException("inputs must hold 1.." + MAX_EMBEDDING_INPUTS + " token lists");
            }
            if (inputs.stream().anyMatch(ids -> ids == null || ids.isEmpty())) {
                throw new IllegalArgumentException("every input needs at least one token");
            }
            inputs = inputs.stream().<List<Integer>>map(List::copyOf).toList();
        }

        public int tokenCount() {
            return inputs.stream().mapToInt(List::size).sum();
        }
    }

    /** One prompt's token ids and each token's text (shown as the attention map's axes). */
    record Attend(int schemaVersion, String requestId, String model, String version, List<Integer> tokenIds,
                  List<String> tokens, long deadlineEpochMs, ReplyTo replyTo) implements AnalysisRequest {
        public Attend {
            Versioned.check(schemaVersion, CURRENT_VERSION, "AnalysisRequest");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(tokenIds, "tokenIds");
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(replyTo, "replyTo");
            if (tokenIds.isEmpty() || tokenIds.size() > MAX_ATTENTION_TOKENS) {
                throw new IllegalArgumentException("tokenIds must hold 1.." + MAX_ATTENTION_TOKENS + " ids");
            }
            if (tokens.size() != tokenIds.size()) {
                throw new IllegalArgumentException("tokens and tokenIds must have the same length");
            }
            tokenIds = List.copyOf(tokenIds);
            tokens = List.copyOf(tokens);
        }
    }

    /**
     * Text pairs for a cross-encoder, each one sequence ({@code [CLS] a [SEP] b [SEP]}) with its token type ids
     * (0 for the first segment and its special tokens, 1 for the second).
     *
     * @param inputs       token ids of each pair, special tokens included
     * @param tokenTypeIds the segment of each token, as long as its input
     */
    record Score(int schemaVersion, String requestId, String model, String version, List<List<Integer>> inputs,
                 List<List<Integer>> tokenTypeIds, long deadlineEpochMs, ReplyTo replyTo) implements AnalysisRequest {
        public Score {
            Versioned.check(schemaVersion, CURRENT_VERSION, "AnalysisRequest");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(inputs, "inputs");
            Objects.requireNonNull(tokenTypeIds, "tokenTypeIds");
            Objects.requireNonNull(replyTo, "replyTo");
            if (inputs.isEmpty() || inputs.size() > MAX_EMBEDDING_INPUTS) {
                throw new IllegalArgumentException("inputs must hold 1.." + MAX_EMBEDDING_INPUTS + " token lists");
            }
            if (tokenTypeIds.size() != inputs.size()) {
                throw new IllegalArgumentException("tokenTypeIds must hold one list per input");
            }
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i) == null || inputs.get(i).isEmpty() || tokenTypeIds.get(i) == null
                        || tokenTypeIds.get(i).size() != inputs.get(i).size()) {
                    throw new IllegalArgumentException("input " + i + " needs tokens and as many token type ids");
                }
            }
            inputs = inputs.stream().<List<Integer>>map(List::copyOf).toList();
            tokenTypeIds = tokenTypeIds.stream().<List<Integer>>map(List::copyOf).toList();
        }

        public int tokenCount() {
            return inputs.stream().mapToInt(List::size).sum();
        }
    }
}
