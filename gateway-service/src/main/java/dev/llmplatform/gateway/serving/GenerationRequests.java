package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.model.GenerationDefaults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated OpenAI request into the platform's {@link GenerationRequest}s, one per choice:
 * {@code n} per prompt, choice {@code p × n + j} being prompt {@code p}'s {@code j}-th (OpenAI's order),
 * each with its own request id and, when the client gave a seed, seed + j, so a prompt's choices differ
 * yet the whole answer repeats for the same seed (without one, each choice gets a random seed: a request that
 * runs again on another replica then samples the same tokens). A setting the request leaves out
 * comes from the model's {@code generation_config.json} (as vLLM does), and only then from
 * OpenAI's defaults: temperature 1, top_p 1, no top_k.
 */
final class GenerationRequests {

    private static final double OPENAI_TEMPERATURE = 1.0;
    private static final double OPENAI_TOP_P = 1.0;

    private final int maxTokensDefault;
    private final long maxTokensPerRequest;
    private final long tokensPerMinute;

    /**
     * @param maxTokensDefault    {@code max_tokens} of a completion that leaves it out
     * @param maxTokensPerRequest the gateway's bound on n × max_tokens (0 = none): a default never exceeds it
     * @param tokensPerMinute     a client's token rate limit (0 = none): a default never exceeds it either
     */
    GenerationRequests(int maxTokensDefault, long maxTokensPerRequest, long tokensPerMinute) {
        this.maxTokensDefault = maxTokensDefault;
        this.maxTokensPerRequest = maxTokensPerRequest;
        this.tokensPerMinute = tokensPerMinute;
    }

    /** @param priority the scheduling priority every choice gets, resolved for the client already */
    List<GenerationRequest> create(GenerationInput input, ResponseId id, ReplyTo replyTo, long nowEpochMs,
                                   long deadlineEpochMs, int priority) {
        SamplingRequest r = input.request();
        RegisteredModel model = input.model();
        int perInput = r.choices();
        int choices = input.inputCount() * perInput;
        int maxTokens = r.requestedMaxTokens() != null ? r.requestedMaxTokens() : defaultMaxTokens(r, model, choices);
        if (model.contextLength() > 0) {
            maxTokens = Math.min(maxTokens, model.contextLength());
        }
        List<GenerationRequest> requests = new ArrayList<>(choices);
        for (int index = 0; index < choices; index++) {
            int j = index % perInput;
            // No seed given: one drawn here, so a re-run after an inference replica died repeats the same tokens.
            Long seed = r.seed() == null ? java.util.concurrent.ThreadLocalRandom.current().nextLong() : r.seed() + j;
            Prompt prompt = input.prompts() == null ? null : input.prompts().get(index / perInput);
            requests.add(new GenerationRequest(GenerationRequest.CURRENT_VERSION, id.requestId(index, choices),
                    model.name(), prompt == null ? null : prompt.text(), input.messages(), maxTokens,
                    sampling(r, model.defaults(), seed, input.topLogprobs(), input.constraint()),
                    r.stop() == null ? List.of() : r.stop(), r.isStream(), replyTo, nowEpochMs, deadlineEpochMs,
                    input.promptLogprobs(), prompt == null ? null : prompt.tokenIds(),
                    input.messages() == null ? null : r.chatTemplateKwargs(), priority, input.tools()));
        }
        return requests;
    }

    /**
     * What a request without {@code max_tokens} may generate. Chat and the Responses API: up to the end of the
     * model's context (vLLM's and OpenAI's chat default; the engine stops there with {@code length}), within
     * the gateway's per-request and per-minute token bounds, so leaving it out is never refused for a size the
     * client did not ask for. Completions: {@code max-tokens-default} (16, OpenAI's and vLLM's).
     */
    private int defaultMaxTokens(SamplingRequest r, RegisteredModel model, int choices) {
        if (!r.maxTokensDefaultsToContext() || model.contextLength() <= 0) {
            return maxTokensDefault;
        }
        long tokens = model.contextLength();
        if (maxTokensPerRequest > 0) {
            tokens = Math.min(tokens, maxTokensPerRequest / choices);
        }
        if (tokensPerMinute > 0) {
            tokens = Math.min(tokens, tokensPerMinute / choices);
        }
        return (int) Math.max(1, tokens);
    }

    /** @param constraint what the output must be, or null */
    static SamplingParams sampling(SamplingRequest r, GenerationDefaults model, Long seed, Integer topLogprobs,
                                   OutputConstraint constraint) {
        double temperature = first(r.temperature(), model.temperature(), OPENAI_TEMPERATURE);
        double topP = first(r.topP(), model.topP(), OPENAI_TOP_P);
        int topK = Math.max(0, first(r.topK(), model.topK(), 0));   // -1 and 0 both mean off
        return new SamplingParams(temperature, topP, topK,
                r.minP() == null ? 0 : r.minP(),
                first(r.repetitionPenalty(), model.repetitionPenalty(), 1.0),
                r.presencePenalty() == null ? 0 : r.presencePenalty(),
                r.frequencyPenalty() == null ? 0 : r.frequencyPenalty(),
                seed, logitBias(r.logitBias()), topLogprobs,
                r.minTokens() == null ? 0 : r.minTokens(), Boolean.TRUE.equals(r.ignoreEos()),
                constraint);
    }

    /** Keys were checked by the validator: non-negative integers. */
    private static Map<Integer, Double> logitBias(Map<String, Double> bias) {
        Map<Integer, Double> byId = new HashMap<>();
        if (bias != null) {
            bias.forEach((token, value) -> byId.put(SamplingValidator.parseTokenId(token), value));
        }
        return byId;
    }

    private static <T> T first(T requested, T modelDefault, T openAiDefault) {
        return requested != null ? requested : modelDefault != null ? modelDefault : openAiDefault;
    }
}
