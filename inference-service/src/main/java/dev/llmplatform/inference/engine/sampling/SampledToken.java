package dev.llmplatform.inference.engine.sampling;

import dev.llmplatform.contracts.TokenLogprob;

/** The token picked, and its log-probability with top alternatives when the request asked for them (else null). */
public record SampledToken(int tokenId, TokenLogprob logprob) {
}
