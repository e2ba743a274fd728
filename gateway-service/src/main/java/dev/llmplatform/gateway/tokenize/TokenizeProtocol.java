package dev.llmplatform.gateway.tokenize;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmplatform.gateway.chat.ChatProtocol.MessageBody;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** {@code /v1/tokenize} and {@code /v1/detokenize} in vLLM's shape. */
public final class TokenizeProtocol {

    private TokenizeProtocol() {
    }

    /**
     * Text or a conversation to token ids; exactly one of {@code prompt} and {@code messages}.
     * Messages are rendered with the model's chat template and its generation prompt, as a chat
     * completion sees them.
     *
     * @param addSpecialTokens let the tokenizer add what it declares (a BOS, say); default true for a
     *                         prompt, false for messages (the template writes its own markers), as vLLM does
     * @param chatTemplateKwargs vLLM's: extra variables for the chat template's render of {@code messages}
     *                           ({@code {"enable_thinking": false}}), as chat completions take them
     */
    public record TokenizeRequest(String model, String prompt, List<MessageBody> messages,
                                  @JsonProperty("add_special_tokens") Boolean addSpecialTokens,
                                  @JsonProperty("chat_template_kwargs") Map<String, Object> chatTemplateKwargs,
                                  @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /** @param tokenStrs each token's own text (a token holding part of a character reads U+FFFD) */
    public record TokenizeResponse(int count, @JsonProperty("max_model_len") int maxModelLen, List<Integer> tokens,
                                   @JsonProperty("token_strs") List<String> tokenStrs) {
    }

    public record DetokenizeRequest(String model, List<Integer> tokens,
                                    @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /** The text of the tokens, special tokens included. */
    public record DetokenizeResponse(String prompt) {
    }
}
