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
 * requests (finished, cancelled, or sent before this instance started) are dropped, and so is a
 * {@link GenerationEvent.Delta} sent again, or cut to what is new ({@link StreamPosition}): token events
 * are delivered at least once, and a request whose inference replica died runs again on another.
 */
public final class ReplyRouter {

    private static final Logger log = LoggerFactory.getLogger(ReplyRouter.class);

    private final Map<String, Waiting> pending = new ConcurrentHashMap<>();

    /** A request's sink and how far its stream has reached the client (reply thread only). */
    private static final class Waiting {
        final Sinks.Many<GenerationEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
        final StreamPosition position = new StreamPosition();
    }

    /** Starts waiting for the events of a request; the flux completes after its last event. */
    public Flux<GenerationEvent> register(String requestId) {
        Waiting waiting = new Waiting();
        if (pending.putIfAbsent(requestId, waiting) != null) {
            throw new IllegalStateException("request " + requestId + " is already waiting for replies");
        }
        return waiting.sink.asFlux();
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
        Waiting waiting = pending.get(event.requestId());
        if (waiting == null) {
            log.debug("dropping {} for unknown request {}", event.getClass().getSimpleName(), event.requestId());
            return;
        }
        java.util.Optional<GenerationEvent> admitted = waiting.position.admit(event);
        if (admitted.isEmpty()) {
            log.debug("dropping a repeated {} of request {}", event.getClass().getSimpleName(), event.requestId());
            return;
        }
        event = admitted.get();
        if (event instanceof GenerationEvent.Failed failed && StreamPosition.RESUME_FAILED.equals(failed.error().code())) {
            log.warn("request {}: a re-run's events do not line up with what the client has; the stream ends with an error",
                    event.requestId());
        }
        waiting.sink.tryEmitNext(event);
        if (event.isTerminal()) {
            pending.remove(event.requestId(), waiting);
            waiting.sink.tryEmitComplete();
        }
    }

    /** Fails every waiting request; called once the reply consumer has stopped, so nothing else emits. */
    public void failAll(RuntimeException failure) {
        pending.forEach((id, waiting) -> {
            if (pending.remove(id, waiting)) {
                waiting.sink.tryEmitError(failure);
            }
        });
    }

    public int pendingCount() {
        return pending.size();
    }
}
