package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;

import java.util.ArrayList;
import java.util.List;

/** A {@link RecordingSink} that also records in which order requests got their first token and finished. */
final class OrderSink implements TokenSink {

    final RecordingSink recorded = new RecordingSink();
    private final List<String> firstTokens = new ArrayList<>();
    private final List<String> finishes = new ArrayList<>();

    @Override
    public synchronized void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs) {
        if (offset == 0) {
            firstTokens.add(requestId);
        }
        recorded.onTokens(requestId, offset, tokenIds, logprobs);
    }

    @Override
    public synchronized void onFinished(String requestId, FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
        finishes.add(requestId);
        recorded.onFinished(requestId, reason, usage, timings, error);
    }

    synchronized List<String> firstTokens() {
        return List.copyOf(firstTokens);
    }

    synchronized List<String> finishes() {
        return List.copyOf(finishes);
    }
}
