package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Requests to the tokenizer-service that need no generation, on {@code llm.tokenizer.requests},
 * keyed by request id. The answer ({@link GenerationEvent.Tokenized}, {@link GenerationEvent.Detokenized}
 * or {@link GenerationEvent.Failed}) goes to {@code replyTo} like every generation event.
 * {@link Analysis} requests are tokenized here and answered by the inference-service
 * ({@link AnalysisRequest} on {@code llm.inference.analysis}), straight to the same {@code replyTo}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TokenizerRequest.Tokenize.class, name = "tokenize"),
        @JsonSubTypes.Type(value = TokenizerRequest.Detokenize.class, name = "detokenize"),
        @JsonSubTypes.Type(value = TokenizerRequest.Embed.class, name = "embed"),
        @JsonSubTypes.Type(value = TokenizerRequest.Attend.class, name = "attend"),
        @JsonSubTypes.Type(value = TokenizerRequest.Score.class, name = "score")})
public sealed interface TokenizerRequest extends Versioned {

    int CURRENT_VERSION = 1;

    String requestId();

    String model();

    ReplyTo replyTo();

    /**
     * Text (or chat messages rendered through the model's chat template) to token ids.
     *
     * @param chatTemplateKwargs extra variables for the chat template's render of {@code messages}, as a generation
     *                           request carries them ({@code {"enable_thinking": false}}), so a count matches what
     *                           the generation renders; null for none. Added without a version bump
     */
    record Tokenize(int schemaVersion, String requestId, String model, String prompt, List<ChatMessage> messages,
                    boolean addSpecialTokens, ReplyTo replyTo, Map<String, Object> chatTemplateKwargs)
            implements TokenizerRequest {
        public Tokenize {
            Versioned.check(schemaVersion, CURRENT_VERSION, "TokenizerRequest");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(replyTo, "replyTo");
            if ((prompt == null) == (messages == null)) {
                throw new IllegalArgumentException("exactly one of prompt and messages must be set");
            }
            messages = messages == null ? null : List.copyOf(messages);
        }

        /** Without template variables. */
        public Tokenize(int schemaVersion, String requestId, String model, String prompt, List<ChatMessage> messages,
                        boolean addSpecialTokens, ReplyTo replyTo) {
            this(schemaVersion, requestId, model, prompt, messages, addSpecialTokens, replyTo, null);
        }
    }

    /** Token ids back to text. */
    record Detokenize(int schemaVersion, String requestId, String model, List<Integer> tokenIds,
                      ReplyTo replyTo) implements TokenizerRequest {
        public Detokenize {
            Versioned.check(schemaVersion, CURRENT_VERSION, "TokenizerRequest");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(replyTo, "replyTo");
            tokenIds = tokenIds == null ? List.of() : List.copyOf(tokenIds);
        }
    }

    /**
     * Requests that run a model's graph without generating: tokenized here, then sent to the
     * inference-service, which answers with a {@link GenerationEvent.Analysis} or a {@code Failed}.
     */
    sealed interface Analysis extends TokenizerRequest permits Embed, Attend, Score {
        /** When the caller stops waiting (epoch ms); 0 for never. Work found past it is skipped. */
        long deadlineEpochMs();
    }

    /** Sentence embeddings of each input, by an encoder model ({@code /v1/embeddings}). */
    record Embed(int schemaVersion, String requestId, String model, List<String> inputs, long deadlineEpochMs,
                 ReplyTo replyTo) implements Analysis {
        public Embed {
            Versioned.check(schemaVersion, CURRENT_VERSION, "TokenizerRequest");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(replyTo, "replyTo");
            Objects.requireNonNull(inputs, "inputs");
            if (inputs.isEmpty() || inputs.size() > AnalysisRequest.MAX_EMBEDDING_INPUTS) {
                throw new IllegalArgumentException("inputs must hold 1.." + AnalysisRequest.MAX_EMBEDDING_INPUTS + " texts");
            }
            inputs = List.copyOf(inputs);
        }
    }

    /** Every layer's attention probabilities for a prompt, encoder or decoder ({@code /v1/attention}). */
    record Attend(int schemaVersion, String requestId, String model, String prompt, long deadlineEpochMs,
                  ReplyTo replyTo) implements Analysis {
        public Attend {
            Versioned.check(schemaVersion, CURRENT_VERSION, "TokenizerRequest");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /**
     * Relevance of text pairs by a cross-encoder ({@code /v1/rerank}, {@code /v1/score}): pair {@code i} is
     * {@code queries[i]} with {@code documents[i]}, encoded as one sequence with the tokenizer's pair template
     * ({@code [CLS] query [SEP] document [SEP]}); answered with a {@link GenerationEvent.Scores}.
     */
    record Score(int schemaVersion, String requestId, String model, List<String> queries, List<String> documents,
                 long deadlineEpochMs, ReplyTo replyTo) implements Analysis {
        public Score {
            Versioned.check(schemaVersion, CURRENT_VERSION, "TokenizerRequest");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(replyTo, "replyTo");
            Objects.requireNonNull(queries, "queries");
            Objects.requireNonNull(documents, "documents");
            if (queries.size() != documents.size()) {
                throw new IllegalArgumentException("queries and documents must have the same length");
            }
            if (queries.isEmpty() || queries.size() > AnalysisRequest.MAX_EMBEDDING_INPUTS) {
                throw new IllegalArgumentException("a score request holds 1.." + AnalysisRequest.MAX_EMBEDDING_INPUTS
                        + " pairs");
            }
            queries = List.copyOf(queries);
            documents = List.copyOf(documents);
        }
    }
}
