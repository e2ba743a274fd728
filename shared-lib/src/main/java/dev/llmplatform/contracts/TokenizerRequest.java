package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Objects;

/**
 * Requests to the tokenizer-service that need no generation, on {@code llm.tokenizer.requests},
 * keyed by request id. The answer ({@link GenerationEvent.Tokenized}, {@link GenerationEvent.Detokenized}
 * or {@link GenerationEvent.Failed}) goes to {@code replyTo} like every generation event.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TokenizerRequest.Tokenize.class, name = "tokenize"),
        @JsonSubTypes.Type(value = TokenizerRequest.Detokenize.class, name = "detokenize")})
public sealed interface TokenizerRequest extends Versioned {

    int CURRENT_VERSION = 1;

    String requestId();

    String model();

    ReplyTo replyTo();

    /** Text (or chat messages rendered through the model's chat template) to token ids. */
    record Tokenize(int schemaVersion, String requestId, String model, String prompt, List<ChatMessage> messages,
                    boolean addSpecialTokens, ReplyTo replyTo) implements TokenizerRequest {
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
}
