package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;

import java.util.List;

/**
 * Where the engine sends what it generates. Called from the engine thread (and from the submitting
 * thread when a request is refused at once), so implementations must be thread-safe and must not
 * block: buffer, and hand the sending to another thread.
 */
public interface TokenSink {

    /**
     * New tokens of a request.
     *
     * @param offset   index in the generation of {@code tokenIds[0]}
     * @param logprobs one entry per token when the request asked for them, else null
     */
    void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs);

    /**
     * The prompt's log-probabilities, for a request that asked for them: one entry per prompt token, the
     * first with logprob 0 and no alternatives (nothing precedes it). Called once, before the first
     * {@link #onTokens} (or the finish, when the first token is a stop token).
     */
    default void onPromptLogprobs(String requestId, List<TokenLogprob> logprobs) {
    }

    /**
     * The request ended; called exactly once per request, after its last {@link #onTokens}.
     *
     * @param error null, except for {@link FinishReason#ERROR} and for a passed deadline ({@link FinishReason#CANCELLED})
     */
    void onFinished(String requestId, FinishReason reason, Usage usage, Timings timings, ErrorInfo error);

    /**
     * An engine step begins on this thread: what it reports until {@link #endStep} belongs to one step,
     * so a sink may send it together (one record per step instead of one per request).
     */
    default void beginStep() {
    }

    /**
     * The step begun on this thread has reported everything; always called after {@link #beginStep}. A sink
     * may send the step from here (a producer's asynchronous send), sparing a thread hand-off per step.
     */
    default void endStep() {
    }
}
