package dev.llmplatform.gateway.serving;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At DEBUG, where one SSE response's chunks stand when its generation's events end and when the response itself
 * ends: chunks the HTTP writer asked for and chunks it was given. A stream whose client waits for ever while the
 * generation has ended (seen a few times in end-to-end tests, not yet explained) then says which side stopped:
 * the writer no longer asking (given = asked), or the renderer not giving what was asked. Off, it adds nothing.
 */
final class StreamTrace {

    private static final Logger log = LoggerFactory.getLogger(StreamTrace.class);

    private final String id;
    private final AtomicLong asked = new AtomicLong();
    private final AtomicLong given = new AtomicLong();

    private StreamTrace(String id) {
        this.id = id;
    }

    /** A trace of the response {@code id}, or null when DEBUG is off. */
    static StreamTrace of(String id) {
        return log.isDebugEnabled() ? new StreamTrace(id) : null;
    }

    /** The generation's events, logging when they end. */
    <T> Flux<T> events(Flux<T> events) {
        return events.doFinally(signal -> log.debug("{}: generation events ended ({}); SSE chunks asked {}, given {}",
                id, signal, asked.get(), given.get()));
    }

    /** The SSE body, counting demand and chunks and logging when it ends. */
    <T> Flux<T> body(Flux<T> body) {
        // The exchange's log prefix (its connection), when ExchangeTrace put it in the context.
        return Flux.deferContextual(context -> body
                .doOnRequest(n -> asked.updateAndGet(a -> a + n < 0 ? Long.MAX_VALUE : a + n))
                .doOnNext(chunk -> given.incrementAndGet())
                .doFinally(signal -> log.debug("{}{}: SSE body ended ({}); chunks asked {}, given {}",
                        context.getOrDefault(ExchangeTrace.PREFIX, ""), id, signal, asked.get(), given.get())));
    }
}
