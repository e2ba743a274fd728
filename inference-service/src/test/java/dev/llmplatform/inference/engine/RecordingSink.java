package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Collects what an engine reports, per request; checks offsets arrive in order. */
final class RecordingSink implements TokenSink {

    record Finish(FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
    }

    private final Map<String, List<Integer>> tokens = new ConcurrentHashMap<>();
    private final Map<String, Finish> finishes = new ConcurrentHashMap<>();
    private final Map<String, List<TokenLogprob>> promptLogprobs = new ConcurrentHashMap<>();

    @Override
    public synchronized void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs) {
        List<Integer> list = tokens.computeIfAbsent(requestId, id -> new ArrayList<>());
        if (offset != list.size()) {
            throw new AssertionError("offset " + offset + " after " + list.size() + " tokens of " + requestId);
        }
        if (finishes.containsKey(requestId)) {
            throw new AssertionError("tokens after the finish of " + requestId);
        }
        for (int t : tokenIds) {
            list.add(t);
        }
    }

    @Override
    public synchronized void onPromptLogprobs(String requestId, List<TokenLogprob> logprobs) {
        if (tokens.containsKey(requestId) || finishes.containsKey(requestId)) {
            throw new AssertionError("prompt logprobs of " + requestId + " after its first token");
        }
        if (promptLogprobs.putIfAbsent(requestId, List.copyOf(logprobs)) != null) {
            throw new AssertionError("prompt logprobs of " + requestId + " twice");
        }
    }

    /** The prompt logprobs reported for a request, or null. */
    List<TokenLogprob> promptLogprobs(String requestId) {
        return promptLogprobs.get(requestId);
    }

    @Override
    public synchronized void onFinished(String requestId, FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
        if (finishes.putIfAbsent(requestId, new Finish(reason, usage, timings, error)) != null) {
            throw new AssertionError(requestId + " finished twice");
        }
    }

    synchronized List<Integer> tokens(String requestId) {
        return List.copyOf(tokens.getOrDefault(requestId, List.of()));
    }

    Finish finish(String requestId) {
        return finishes.get(requestId);
    }

    boolean finished(String... requestIds) {
        for (String id : requestIds) {
            if (!finishes.containsKey(id)) {
                return false;
            }
        }
        return true;
    }
}
