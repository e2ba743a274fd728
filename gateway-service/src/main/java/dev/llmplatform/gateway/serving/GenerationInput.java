package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.gateway.models.RegisteredModel;

import java.util.List;
import java.util.Map;

/**
 * A validated request, ready to become generation requests: exactly one of {@code prompts} (one or
 * more, each answered by {@code n} choices) and {@code messages}, how many top alternatives each token's
 * logprob should carry (null: no logprobs), and the same for the prompt's own tokens (null: not scored;
 * completions' {@code echo} with {@code logprobs}). For chat with tools: the tools its template lists (null for none)
 * and the constraint that enforces a call (null for none; it takes the place of the request's structured output).
 */
public record GenerationInput(SamplingRequest request, RegisteredModel model, List<Prompt> prompts,
                              List<ChatMessage> messages, Integer topLogprobs, Integer promptLogprobs,
                              List<Map<String, Object>> tools, OutputConstraint toolConstraint) {

    public GenerationInput(SamplingRequest request, RegisteredModel model, List<Prompt> prompts,
                           List<ChatMessage> messages, Integer topLogprobs, Integer promptLogprobs) {
        this(request, model, prompts, messages, topLogprobs, promptLogprobs, null, null);
    }

    /** This input with tools for the template and the constraint enforcing a call (either may be null). */
    public GenerationInput withTools(List<Map<String, Object>> templateTools, OutputConstraint constraint) {
        return new GenerationInput(request, model, prompts, messages, topLogprobs, promptLogprobs, templateTools,
                constraint);
    }

    /** What the output must be: the enforced call, else the request's structured output, else null. */
    public OutputConstraint constraint() {
        if (toolConstraint != null) {
            return toolConstraint;
        }
        return request.structuredOutput() == null ? null : request.structuredOutput().constraint();
    }

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
