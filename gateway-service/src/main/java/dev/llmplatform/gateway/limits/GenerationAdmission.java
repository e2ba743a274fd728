package dev.llmplatform.gateway.limits;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.security.ClientIdentity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * Lets a generation start or refuses it at once, when its events are subscribed: a 503 with
 * {@code Retry-After} when {@code max-in-flight-generations} are already running on this instance
 * (no queue that grows without bound), a 429 when the client's {@code tokens-per-minute} cannot
 * cover the request's {@code max_tokens}. Tokens are reserved up front; what a request that ends normally did not
 * generate is given back when it ends (one that fails or is cancelled keeps its charge), so a chat that leaves
 * {@code max_tokens} to the rest of the context pays for what it used; the in-flight slot is held until the events
 * end or are cancelled. A request
 * for {@code n} choices takes {@code n} slots and {@code n × max_tokens} tokens. Two bounds per request and
 * client: {@code max-tokens-per-request} (n × max_tokens, a 400) and {@code max-in-flight-per-client}
 * (generations one API key, or IP without keys, runs at once on this instance, a 429 with {@code Retry-After}).
 */
@Component
public class GenerationAdmission {

    /** A generation takes seconds: suggest a retry after a second or so rather than at once. */
    static final Duration OVERLOADED_RETRY_AFTER = Duration.ofSeconds(1);

    private final int maxInFlight;
    private final Semaphore inFlight;
    private final RateLimiter tokens;
    private final long maxTokensPerRequest;
    private final int maxInFlightPerClient;
    /** Generations running per client identity; an entry is removed when its count returns to 0. */
    private final Map<String, Integer> perClient = new ConcurrentHashMap<>();

    public GenerationAdmission(GatewayProperties properties) {
        this.maxInFlight = properties.limits().maxInFlightGenerations();
        this.inFlight = new Semaphore(maxInFlight);
        this.maxTokensPerRequest = properties.limits().maxTokensPerRequest();
        this.maxInFlightPerClient = properties.limits().maxInFlightPerClient();
        long tokensPerMinute = properties.limits().tokensPerMinute();
        this.tokens = tokensPerMinute > 0 ? new RateLimiter(tokensPerMinute, System::nanoTime) : null;
    }

    /** The events, once admitted; an {@code ApiException} (429 or 503) in their place when not. */
    public Flux<GenerationEvent> admit(GenerationRequest request, Flux<GenerationEvent> events) {
        return admit(List.of(request), events);
    }

    /**
     * The events of several generations (a request's {@code n} choices), admitted all together or
     * not at all: one in-flight slot each, the token budget charged every one's {@code max_tokens}.
     */
    public <T> Flux<T> admit(List<GenerationRequest> requests, Flux<T> events) {
        return admit(requests, events, event -> 0);
    }

    /**
     * As above, and when the generations all end normally the token budget gets back what their {@code max_tokens}
     * reserved and they did not generate ({@code generated}: the tokens an event reports as generated, counted
     * once per choice, e.g. a completion's usage). A request that fails or is cancelled keeps its whole charge.
     */
    public <T> Flux<T> admit(List<GenerationRequest> requests, Flux<T> events, ToLongFunction<T> generated) {
        int slots = requests.size();
        long maxTokens = requests.stream().mapToLong(GenerationRequest::maxTokens).sum();
        return Flux.deferContextual(context -> {
            if (maxTokensPerRequest > 0 && maxTokens > maxTokensPerRequest) {
                return Flux.error(LimitErrors.tooManyTokensPerRequest(maxTokens, slots, maxTokensPerRequest));
            }
            if (tokens != null && maxTokens > tokens.perMinute()) {
                return Flux.error(LimitErrors.tooLargeForLimit(maxTokens, tokens.perMinute()));
            }
            String client = ClientIdentity.of(context).id();
            if (!acquireForClient(client, slots)) {
                return Flux.error(LimitErrors.tooManyConcurrent(perClient.getOrDefault(client, 0), maxInFlightPerClient));
            }
            if (!inFlight.tryAcquire(slots)) {
                releaseForClient(client, slots);
                return Flux.error(LimitErrors.overloaded(OVERLOADED_RETRY_AFTER));
            }
            if (tokens != null) {
                Duration wait = tokens.tryAcquire(client, maxTokens);
                if (!wait.isZero()) {
                    inFlight.release(slots);
                    releaseForClient(client, slots);
                    return Flux.error(LimitErrors.rateLimited("tokens", tokens.perMinute(), wait));
                }
            }
            AtomicBoolean released = new AtomicBoolean();
            AtomicLong used = new AtomicLong();
            return events.doOnNext(event -> used.addAndGet(generated.applyAsLong(event))).doFinally(signal -> {
                if (released.compareAndSet(false, true)) {
                    inFlight.release(slots);
                    releaseForClient(client, slots);
                    if (tokens != null && signal == SignalType.ON_COMPLETE) {
                        tokens.refund(client, maxTokens - used.get());
                    }
                }
            });
        });
    }

    /** Takes {@code slots} of the client's own share; false when that would pass {@code max-in-flight-per-client}. */
    private boolean acquireForClient(String client, int slots) {
        if (maxInFlightPerClient <= 0) {
            return true;
        }
        boolean[] taken = {false};
        perClient.compute(client, (id, running) -> {
            int now = running == null ? 0 : running;
            if (now + slots > maxInFlightPerClient) {
                return running;
            }
            taken[0] = true;
            return now + slots;
        });
        return taken[0];
    }

    private void releaseForClient(String client, int slots) {
        if (maxInFlightPerClient > 0) {
            perClient.computeIfPresent(client, (id, running) -> running - slots <= 0 ? null : running - slots);
        }
    }

    /** Generations running now. */
    public int inFlight() {
        return maxInFlight - inFlight.availablePermits();
    }
}
