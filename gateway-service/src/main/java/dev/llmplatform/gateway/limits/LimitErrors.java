package dev.llmplatform.gateway.limits;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.gateway.error.ApiException;
import org.springframework.http.HttpHeaders;

import java.time.Duration;
import java.util.Map;

/** The errors a limit answers with, in OpenAI's shape, with {@code Retry-After} in whole seconds. */
final class LimitErrors {

    static final String RATE_LIMIT_EXCEEDED = "rate_limit_exceeded";

    private LimitErrors() {
    }

    /** @param what {@code requests} or {@code tokens}: also the error's type, as OpenAI names it */
    static ApiException rateLimited(String what, long perMinute, Duration wait) {
        long seconds = retryAfterSeconds(wait);
        return new ApiException(new ErrorInfo(429, what, "Rate limit reached for " + what + ": limit "
                + perMinute + " per minute. Please try again in " + seconds + "s.", null, RATE_LIMIT_EXCEEDED),
                Map.of(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
    }

    /**
     * A request that can never fit the limit: a retry would not help, so no Retry-After.
     *
     * @param maxTokens {@code max_tokens} summed over the request's choices
     */
    static ApiException tooLargeForLimit(long maxTokens, long tokensPerMinute) {
        return new ApiException(new ErrorInfo(429, "tokens", "Request too large: max_tokens (times n) is " + maxTokens
                + " but the limit is " + tokensPerMinute + " tokens per minute. Ask for fewer tokens.",
                "max_tokens", RATE_LIMIT_EXCEEDED));
    }

    /** {@code max_tokens} × {@code n} (over every prompt) above {@code max-tokens-per-request}: a 400, as a retry cannot help. */
    static ApiException tooManyTokensPerRequest(long maxTokens, int choices, long limit) {
        return new ApiException(new ErrorInfo(400, "invalid_request_error", "Request too large: max_tokens times the"
                + " number of choices is " + maxTokens + " (" + choices + " choices), but this server generates at most "
                + limit + " tokens per request. Ask for fewer tokens or fewer choices.",
                choices > 1 ? "n" : "max_tokens", "request_too_large"));
    }

    static ApiException tooManyConcurrent(int running, int limit) {
        return new ApiException(new ErrorInfo(429, "requests", "Too many concurrent generations for this client: "
                + running + " running, the limit is " + limit + ". Wait for one to finish.", null,
                "too_many_concurrent_requests"), Map.of(HttpHeaders.RETRY_AFTER, "1"));
    }

    static ApiException overloaded(Duration retryAfter) {
        return new ApiException(new ErrorInfo(503, "server_error",
                "The server is currently overloaded with other requests. Please try again later.", null, "overloaded"),
                Map.of(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter))));
    }

    /** Whole seconds, rounded up, at least 1: Retry-After has no fractions and 0 invites a busy loop. */
    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
