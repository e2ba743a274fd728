package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands each event read from this instance's reply partition to the one request waiting for it.
 * A request registers before its {@code GenerationRequest} is published, so no reply can come
 * too early; its sink buffers events until the HTTP response subscribes. Events for unknown
 * requests (finished, cancelled, or sent before this instance started) are dropped, and so is a
 * {@link GenerationEvent.Delta} sent again, or cut to what is new ({@link StreamPosition}): token events
 * are delivered at least once, and a request whose inference replica died runs again on another.
 * <p>
 * A client that reads its stream slower than it is generated would make its sink's buffer grow up to
 * {@code max_tokens} events: each stream may have at most {@code maxBacklog} events routed but not yet taken
 * by its subscriber. Past that, the stream gets a {@link #SLOW_CONSUMER} failure as its last event (after
 * what is buffered: memory stays bounded, the reply thread never waits for anyone) and its overflow hook
 * runs at once, which cancels the generation. A subscriber that must not wait for a client that may never
 * read again ends its stream from the hook ({@link KafkaGenerationClient} does): the failure queued here
 * would only reach it once the client has read what is buffered before it.
 */
public final class ReplyRouter {

    private static final Logger log = LoggerFactory.getLogger(ReplyRouter.class);

    /** The error code of a stream ended because its client fell too far behind. */
    public static final String SLOW_CONSUMER = "slow_consumer";
    /** Default backlog bound: far above what a reading client ever has waiting (its transport takes events in batches). */
    public static final int DEFAULT_MAX_BACKLOG = 1024;

    private final Map<String, Waiting> pending = new ConcurrentHashMap<>();
    private final int maxBacklog;
    private final Runnable onSlowConsumer;

    /** A request's sink and how far its stream has reached the client (reply thread only). */
    private static final class Waiting {
        final Sinks.Many<GenerationEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
        final StreamPosition position = new StreamPosition();
        /** Events emitted and not yet taken by the subscriber. */
        final AtomicInteger backlog = new AtomicInteger();
        final Runnable onOverflow;

        Waiting(Runnable onOverflow) {
            this.onOverflow = onOverflow;
        }
    }

    public ReplyRouter() {
        this(DEFAULT_MAX_BACKLOG, () -> { });
    }

    /**
     * @param maxBacklog     events a stream may have waiting for its subscriber before it is ended
     * @param onSlowConsumer runs (on the reply thread) each time a stream is ended for that, e.g. to count it
     */
    public ReplyRouter(int maxBacklog, Runnable onSlowConsumer) {
        if (maxBacklog <= 0) {
            throw new IllegalArgumentException("maxBacklog must be > 0");
        }
        this.maxBacklog = maxBacklog;
        this.onSlowConsumer = onSlowConsumer;
    }

    /** Starts waiting for the events of a request; the flux completes after its last event. */
    public Flux<GenerationEvent> register(String requestId) {
        return register(requestId, () -> { });
    }

    /**
     * As {@link #register(String)}, with a hook that runs on the reply thread when the stream's client fell
     * more than the backlog bound behind (it must not block: it should only start a cancel).
     */
    public Flux<GenerationEvent> register(String requestId, Runnable onOverflow) {
        Waiting waiting = new Waiting(onOverflow);
        if (pending.putIfAbsent(requestId, waiting) != null) {
            throw new IllegalStateException("request " + requestId + " is already waiting for replies");
        }
        return waiting.sink.asFlux().doOnNext(event -> waiting.backlog.decrementAndGet());
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
        if (!event.isTerminal() && waiting.backlog.get() >= maxBacklog) {
            overflow(waiting, event.requestId());
            return;
        }
        waiting.backlog.incrementAndGet();
        report(waiting.sink.tryEmitNext(event), event);
        if (event.isTerminal()) {
            pending.remove(event.requestId(), waiting);
            report(waiting.sink.tryEmitComplete(), event);
        }
    }

    /**
     * An event a stream's sink refused. Cancelled (the client went away) is expected; anything else would leave a
     * stream without its end, so it is logged loudly rather than lost without a trace.
     */
    private static void report(Sinks.EmitResult result, GenerationEvent event) {
        if (result.isSuccess() || result == Sinks.EmitResult.FAIL_CANCELLED) {
            return;
        }
        log.warn("request {}: its stream refused {} ({})", event.requestId(), event.getClass().getSimpleName(), result);
    }

    private void overflow(Waiting waiting, String requestId) {
        log.warn("request {}: its client has {} events it has not read; the stream ends with an error and the"
                + " generation is cancelled", requestId, waiting.backlog.get());
        pending.remove(requestId, waiting);
        waiting.sink.tryEmitNext(new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, requestId,
                slowConsumerError()));
        waiting.sink.tryEmitComplete();
        onSlowConsumer.run();
        waiting.onOverflow.run();
    }

    /** The OpenAI-shaped error a stream ends with when its client fell more than the backlog bound behind. */
    public ErrorInfo slowConsumerError() {
        return new ErrorInfo(503, "server_error", "The client read the stream too slowly: more than " + maxBacklog
                + " events waited for it, so the stream was ended and the generation cancelled", null, SLOW_CONSUMER);
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
