package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.GenerationEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands each event read from this instance's reply partition to the one request waiting for it.
 * A request registers before its {@code GenerationRequest} is published, so no reply can come
 * too early; its sink buffers events until the HTTP response subscribes. Events for unknown
 * requests (finished, cancelled, or sent before this instance started) are dropped.
 */
public final class ReplyRouter {

    private static final Logger log = LoggerFactory.getLogger(ReplyRouter.class);

    private final Map<String, Sinks.Many<GenerationEvent>> pending = new ConcurrentHashMap<>();

    /** Starts waiting for the events of a request; the flux completes after its last event. */
    public Flux<GenerationEvent> register(String requestId) {
        Sinks.Many<GenerationEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
        if (pending.putIfAbsent(requestId, sink) != null) {
            throw new IllegalStateException("request " + requestId + " is already waiting for replies");
        }
        return sink.asFlux();
    }

    /** Stops waiting (the request ended, was cancelled or timed out). */
    public void remove(String requestId) {
        pending.remove(requestId);
    }

    /**
     * Delivers one event. Called from the single reply-consumer thread only, which makes the
     * sink's single-producer emission safe.
     */
    public void route(GenerationEvent event) {
        Sinks.Many<GenerationEvent> sink = pending.get(event.requestId());
        if (sink == null) {
            log.debug("dropping {} for unknown request {}", event.getClass().getSimpleName(), event.requestId());
            return;
        }
        sink.tryEmitNext(event);
        if (event.isTerminal()) {
            pending.remove(event.requestId(), sink);
            sink.tryEmitComplete();
        }
    }

    /** Fails every waiting request; called once the reply consumer has stopped, so nothing else emits. */
    public void failAll(RuntimeException failure) {
        pending.forEach((id, sink) -> {
            if (pending.remove(id, sink)) {
                sink.tryEmitError(failure);
            }
        });
    }

    public int pendingCount() {
        return pending.size();
    }
}
