package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.models.RegisteredModel;

import java.util.List;

/**
 * A validated request, ready to become generation requests: exactly one of {@code prompts} (one or
 * more, each answered by {@code n} choices) and {@code messages}, how many top alternatives each token's
 * logprob should carry (null: no logprobs), and the same for the prompt's own tokens (null: not scored;
 * completions' {@code echo} with {@code logprobs}).
 */
public record GenerationInput(SamplingRequest request, RegisteredModel model, List<Prompt> prompts,
                              List<ChatMessage> messages, Integer topLogprobs, Integer promptLogprobs) {

    public static GenerationInput ofPrompts(SamplingRequest request, RegisteredModel model, List<Prompt> prompts,
                                            Integer topLogprobs, Integer promptLogprobs) {
        return new GenerationInput(request, model, List.copyOf(prompts), null, topLogprobs, promptLogprobs);
    }

    /** How many inputs get {@code n} choices each: the prompts, or the one conversation. */
    public int inputCount() {
        return prompts == null ? 1 : prompts.size();
    }

    public static GenerationInput ofMessages(SamplingRequest request, RegisteredModel model, List<ChatMessage> messages,
                                             Integer topLogprobs) {
        return new GenerationInput(request, model, null, messages, topLogprobs, null);
    }
}
