package dev.llmplatform.contracts;

import java.util.List;

/** Log-probability of a chosen token and its most likely alternatives (ids only; text is added by the tokenizer). */
public record TokenLogprob(int tokenId, double logprob, List<Alternative> top) {

    public TokenLogprob {
        top = top == null ? List.of() : List.copyOf(top);
    }

    public record Alternative(int tokenId, double logprob) {
    }
}
