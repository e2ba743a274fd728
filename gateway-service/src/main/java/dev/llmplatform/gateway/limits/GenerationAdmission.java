package dev.llmplatform.gateway.limits;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.security.ClientIdentity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets a generation start or refuses it at once, when its events are subscribed: a 503 with
 * {@code Retry-After} when {@code max-in-flight-generations} are already running on this instance
 * (no queue that grows without bound), a 429 when the client's {@code tokens-per-minute} cannot
 * cover the request's {@code max_tokens}. Tokens are reserved up front and not refunded when a
 * generation stops early; the in-flight slot is held until the events end or are cancelled. A request
 * for {@code n} choices takes {@code n} slots and {@code n × max_tokens} tokens.
 */
@Component
public class GenerationAdmission {

    /** A generation takes seconds: suggest a retry after a second or so rather than at once. */
    static final Duration OVERLOADED_RETRY_AFTER = Duration.ofSeconds(1);

    private final int maxInFlight;
    private final Semaphore inFlight;
    private final RateLimiter tokens;

    public GenerationAdmission(GatewayProperties properties) {
        this.maxInFlight = properties.limits().maxInFlightGenerations();
        this.inFlight = new Semaphore(maxInFlight);
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
        int slots = requests.size();
        long maxTokens = requests.stream().mapToLong(GenerationRequest::maxTokens).sum();
        return Flux.deferContextual(context -> {
            if (tokens != null && maxTokens > tokens.perMinute()) {
                return Flux.error(LimitErrors.tooLargeForLimit(maxTokens, tokens.perMinute()));
            }
            if (!inFlight.tryAcquire(slots)) {
                return Flux.error(LimitErrors.overloaded(OVERLOADED_RETRY_AFTER));
            }
            if (tokens != null) {
                Duration wait = tokens.tryAcquire(ClientIdentity.of(context).id(), maxTokens);
                if (!wait.isZero()) {
                    inFlight.release(slots);
                    return Flux.error(LimitErrors.rateLimited("tokens", tokens.perMinute(), wait));
                }
            }
            AtomicBoolean released = new AtomicBoolean();
            return events.doFinally(signal -> {
                if (released.compareAndSet(false, true)) {
                    inFlight.release(slots);
                }
            });
        });
    }

    /** Generations running now. */
    public int inFlight() {
        return maxInFlight - inFlight.availablePermits();
    }
}
