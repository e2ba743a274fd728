package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.models.RegisteredModel;

import java.util.List;

/**
 * A validated request, ready to become generation requests: exactly one of {@code prompt} and
 * {@code messages}, how many top alternatives each token's logprob should carry (null: no logprobs),
 * and the same for the prompt's own tokens (null: not scored; completions' {@code echo} with {@code logprobs}).
 */
public record GenerationInput(SamplingRequest request, RegisteredModel model, String prompt,
                              List<ChatMessage> messages, Integer topLogprobs, Integer promptLogprobs) {

    public static GenerationInput ofPrompt(SamplingRequest request, RegisteredModel model, String prompt,
                                           Integer topLogprobs, Integer promptLogprobs) {
        return new GenerationInput(request, model, prompt, null, topLogprobs, promptLogprobs);
    }

    public static GenerationInput ofMessages(SamplingRequest request, RegisteredModel model, List<ChatMessage> messages,
                                             Integer topLogprobs) {
        return new GenerationInput(request, model, null, messages, topLogprobs, null);
    }
}
