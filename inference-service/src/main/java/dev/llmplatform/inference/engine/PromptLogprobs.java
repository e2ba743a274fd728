package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.inference.engine.sampling.Sampler;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores a prompt as it is prefilled, chunk by chunk: the logits at prompt position p are the model's
 * prediction of token p + 1, so token p + 1 gets their log-softmax (raw logits, as for generated
 * tokens) with the top alternatives. Token 0 follows nothing: it gets logprob 0 and no alternatives.
 */
final class PromptLogprobs {

    private final int[] prompt;
    private final int top;
    private final List<TokenLogprob> entries;

    PromptLogprobs(int[] prompt, int top) {
        this.prompt = prompt;
        this.top = top;
        this.entries = new ArrayList<>(prompt.length);
        if (prompt.length > 0) {   // an empty prompt is refused by the validator, after this is built
            entries.add(new TokenLogprob(prompt[0], 0, List.of()));
        }
    }

    /**
     * Scores the tokens after a prefilled chunk's positions.
     *
     * @param start  prompt position of the chunk's first token
     * @param logits the chunk's logits, one row per position
     */
    void add(int start, float[][] logits) {
        if (start + 1 != entries.size()) {
            throw new IllegalStateException("prompt chunk at " + start + " after " + entries.size() + " scored tokens");
        }
        for (int j = 0; j < logits.length && start + j + 1 < prompt.length; j++) {
            int next = prompt[start + j + 1];
            entries.add(Sampler.logprobOf(logits[j], next, top));
        }
    }

    /** One entry per prompt token, once the whole prompt has been scored. */
    List<TokenLogprob> entries() {
        if (entries.size() != prompt.length) {
            throw new IllegalStateException("prompt scored up to " + entries.size() + " of " + prompt.length + " tokens");
        }
        return List.copyOf(entries);
    }
}
