package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.topics.JsonTopic;
import dev.llmplatform.topics.Topics;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Generation over Kafka: publishes the request keyed by its id, naming this instance's reply
 * partition, and streams the events the {@link ReplyRouter} receives for it. A client that goes
 * away or a deadline that passes sends a {@link ControlMessage.Cancel} so the engine frees the slot.
 * Every record is sent in the scope of the HTTP request's observation (WebFlux keeps it in the Reactor
 * context, not in a thread local), so the template's observation continues the request's trace and
 * writes its {@code traceparent} header.
 */
public final class KafkaGenerationClient implements GenerationClient {

    private static final Logger log = LoggerFactory.getLogger(KafkaGenerationClient.class);

    private final KafkaTemplate<String, String> kafka;
    private final ReplyRouter router;
    private final ReplyTo replyTo;
    private final InstantSource clock;
    /** Topics whose metadata the producer has: sends to them do not block. */
    private final Set<String> warm = ConcurrentHashMap.newKeySet();

    public KafkaGenerationClient(KafkaTemplate<String, String> kafka, ReplyRouter router, ReplyTo replyTo,
                                 InstantSource clock) {
        this.kafka = kafka;
        this.router = router;
        this.replyTo = replyTo;
        this.clock = clock;
    }

    @Override
    public ReplyTo replyTo() {
        return replyTo;
    }

    @Override
    public Flux<GenerationEvent> generate(GenerationRequest request) {
        String id = request.requestId();
        return Flux.deferContextual(context -> {
            Observation trace = observation(context);
            AtomicBoolean ended = new AtomicBoolean();
            Sinks.Empty<Void> overflowed = Sinks.empty();
            // Register before publishing, so even the fastest reply finds its sink. A client too slow to read
            // its stream is given up at once (on the reply thread), not once it has read its backlog.
            Flux<GenerationEvent> replies = router.register(id, () -> {
                if (ended.compareAndSet(false, true)) {
                    cancel(trace, id, ControlMessage.Reason.CLIENT);
                }
                overflowed.tryEmitEmpty();
            });
            return publish(trace, Topics.GENERATION_REQUESTS, id, request)
                    .onErrorMap(e -> !(e instanceof ApiException), e -> unavailable(trace, e))
                    .thenMany(replies)
                    // ...and its stream fails now, ahead of the events still queued for it: the router's failure
                    // event waits behind them, i.e. for a client that may never read again, and so would this
                    // stream's end, its admission slot and its deadline (only an error overtakes queued events).
                    .takeUntilOther(overflowed.asMono()
                            .then(Mono.error(() -> new ApiException(router.slowConsumerError()))))
                    .doOnNext(event -> {
                        if (!(event instanceof GenerationEvent.Delta)) {
                            ended.set(true);
                        }
                    })
                    // One timer for the whole stream, not one per event: cut at the deadline unless it ended first.
                    .takeUntilOther(untilDeadline(request))
                    .concatWith(Mono.defer(() -> ended.get() ? Mono.empty() : Mono.error(new TimeoutException())))
                    .onErrorMap(TimeoutException.class, e -> {
                        ended.set(true);
                        inScope(trace, () -> log.info("request {}: its deadline passed; the stream ends with a 504 and the"
                                + " generation is cancelled", id));
                        cancel(trace, id, ControlMessage.Reason.DEADLINE);
                        return deadlinePassed(request);
                    })
                    .doOnCancel(() -> {
                        if (ended.compareAndSet(false, true)) {
                            cancel(trace, id, ControlMessage.Reason.CLIENT);
                        }
                    })
                    .doFinally(signal -> router.remove(id));
        });
    }

    /** Nothing to cancel on a timeout: the tokenizer answers at once or not at all. */
    @Override
    public Mono<GenerationEvent> tokenizer(TokenizerRequest request, long deadlineEpochMs) {
        String id = request.requestId();
        return Mono.deferContextual(context -> {
            Observation trace = observation(context);
            Flux<GenerationEvent> replies = router.register(id);
            return publish(trace, Topics.TOKENIZER_REQUESTS, id, request)
                    .onErrorMap(e -> !(e instanceof ApiException), e -> unavailable(trace, e))
                    .then(replies.next())
                    .timeout(Duration.ofMillis(Math.max(0, deadlineEpochMs - clock.millis())))
                    .onErrorMap(TimeoutException.class, e -> new ApiException(new ErrorInfo(504, "server_error",
                            "The tokenizer did not answer in time", null, "timeout")))
                    .doFinally(signal -> router.remove(id));
        });
    }

    private Mono<Duration> untilDeadline(GenerationRequest request) {
        if (request.deadlineEpochMs() == 0) {
            return Mono.never();
        }
        long left = request.deadlineEpochMs() - clock.millis();
        return Mono.delay(Duration.ofMillis(Math.max(0, left))).map(Duration::ofMillis);
    }

    /** Fire and forget: the client is gone or already has its answer; a lost cancel only wastes compute. */
    private void cancel(Observation trace, String requestId, ControlMessage.Reason reason) {
        publish(trace, Topics.GENERATION_CONTROL, requestId, ControlMessage.Cancel.of(requestId, reason))
                .subscribe(null, e -> inScope(trace, () ->
                        log.warn("could not send cancel ({}) for {}: {}", reason, requestId, e.toString())));
    }

    /** The HTTP request's observation, or null outside one (nothing then to continue: the send starts a trace). */
    private static Observation observation(ContextView context) {
        return context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
    }

    /**
     * Fetches the metadata of the topics this client writes (blocking: call it before serving), so that
     * later sends to them go from the caller's thread, the event loop, with no hand-off to another thread:
     * the producer's {@code send} blocks its caller only while it fetches a topic's metadata (done here)
     * or when its buffer is full (the broker unreachable for long).
     */
    public void warmUp() {
        for (String topic : List.of(Topics.GENERATION_REQUESTS.name(), Topics.TOKENIZER_REQUESTS.name(),
                Topics.GENERATION_CONTROL.name())) {
            kafka.partitionsFor(topic);
            warm.add(topic);
        }
    }

    /**
     * Sends from the calling thread once the topic's metadata is known ({@link #warmUp}), else off the event
     * loop, since {@code KafkaTemplate.send} would block while it fetches it; the future completes on the
     * producer's thread.
     */
    private <V> Mono<Void> publish(Observation trace, JsonTopic<V> topic, String key, V message) {
        Mono<SendResult<String, String>> send = Mono.fromFuture(() -> send(trace, topic.name(), key, topic.encode(message)));
        return (warm.contains(topic.name()) ? send : send.subscribeOn(Schedulers.boundedElastic())).then();
    }

    private CompletableFuture<SendResult<String, String>> send(Observation trace, String topic, String key, String json) {
        return trace == null ? kafka.send(topic, key, json) : trace.scoped(() -> kafka.send(topic, key, json));
    }

    /** Runs a log statement in the request's scope, so the line carries its trace id. */
    private static void inScope(Observation trace, Runnable logging) {
        if (trace == null) {
            logging.run();
        } else {
            trace.scoped(logging);
        }
    }

    private static ApiException unavailable(Observation trace, Throwable cause) {
        inScope(trace, () -> log.error("could not publish a generation request", cause));
        return new ApiException(new ErrorInfo(503, "server_error",
                "The generation service is unavailable, please retry", null, "service_unavailable"));
    }

    private ApiException deadlinePassed(GenerationRequest request) {
        double seconds = Math.max(0, request.deadlineEpochMs() - request.createdEpochMs()) / 1000.0;
        return new ApiException(new ErrorInfo(504, "server_error", "The generation did not finish within the"
                + " request deadline of " + BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString() + " s",
                null, "timeout"));
    }
}
