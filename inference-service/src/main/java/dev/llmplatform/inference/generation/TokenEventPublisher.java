package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.engine.TokenSink;
import dev.llmplatform.kafka.TraceHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The engines' {@link TokenSink}. Each request's tokens go into a small buffer; what one engine step
 * reports (between {@link #beginStep} and {@link #endStep}) leaves at the step's end as one
 * {@link TokenStep} holding every request of the step, sent by the engine thread itself (no thread
 * hand-off before the producer), at most one unacknowledged at a time (see {@link #endStep}). Reports
 * outside a step (a refusal on the listener's thread) and steps held back go out from a publisher
 * thread, coalesced. Events of one request leave in order: drain and send happen under one lock. A non-streamed request ({@code decode.stream == false}) leaves as one event when it
 * finishes. Every event goes with the trace context its request was opened with, and the publisher's
 * log lines carry that trace id.
 */
public final class TokenEventPublisher implements TokenSink, AutoCloseable {

    /** Sends one step record (to Kafka in the service); called from the publisher thread only. */
    @FunctionalInterface
    public interface StepSender {
        /** @return completes once the record is acknowledged (or refused) */
        CompletableFuture<?> send(TokenStep step);
    }

    /** Sends one event with its request's trace: the step's items one by one (tests and tools). */
    @FunctionalInterface
    public interface Sender {
        void send(TokenEvent event, TraceHeaders trace);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TokenEventPublisher.class);
    private static final Handed STOP = new Handed(List.of(), false);
    private static final Handed FLUSH = new Handed(List.of(), true);

    private final StepSender sender;
    private final int streamInterval;
    private final Map<String, TokenStream> streams = new ConcurrentHashMap<>();
    /** Requests whose partition moved to another replica: what the engine still makes of them is dropped quietly. */
    private final Set<String> abandoned = ConcurrentHashMap.newKeySet();
    /** Hand-offs to the publisher thread: one stream reported outside a step, or steps held while one was in flight. */
    private final LinkedBlockingQueue<Handed> ready = new LinkedBlockingQueue<>();
    /** The streams of the step running on this thread; null outside a step. */
    private final ThreadLocal<List<TokenStream>> step = new ThreadLocal<>();
    private final Object sendLock = new Object();
    /** The last step record sent; until it is answered, ending steps are held (guarded by sendLock). */
    private CompletableFuture<?> lastSent = CompletableFuture.completedFuture(null);
    /** Streams of the steps that ended while a record was in flight (guarded by sendLock). */
    private final List<TokenStream> held = new ArrayList<>();
    /** The in-flight record's answer will wake the publisher thread to send what is held (guarded by sendLock). */
    private boolean flushScheduled;

    /** Streams for the publisher thread: reported outside a step, or a flush of what is held ({@link #FLUSH}). */
    private record Handed(List<TokenStream> streams, boolean flush) {
    }
    private final Thread thread;

    /** Streams every token as soon as the publisher gets to it. */
    public TokenEventPublisher(Sender sender) {
        this(sender, 1);
    }

    public TokenEventPublisher(Sender sender, int streamInterval) {
        this(perEvent(sender), streamInterval);
    }

    /**
     * @param streamInterval tokens a stream collects before they are published (vLLM's
     *                       {@code --stream-interval}): 1 sends each at once; more means fewer, larger
     *                       records, less CPU per token on the Kafka path and burstier streams. A stream's
     *                       first token and its last ones leave at once whatever the interval.
     */
    public TokenEventPublisher(StepSender sender, int streamInterval) {
        if (streamInterval < 1) {
            throw new IllegalArgumentException("streamInterval must be >= 1, got " + streamInterval);
        }
        this.sender = sender;
        this.streamInterval = streamInterval;
        this.thread = Thread.ofPlatform().name("token-event-publisher").daemon().start(this::run);
    }

    private static StepSender perEvent(Sender sender) {
        return step -> {
            for (TokenStep.Item item : step.items()) {
                TraceHeaders trace = new TraceHeaders(item.traceparent(), item.tracestate());
                try (TraceHeaders.MdcScope ignored = trace.inMdc()) {
                    sender.send(item.event(), trace);
                }
            }
            return CompletableFuture.completedFuture(null);
        };
    }

    /**
     * Registers a request before it is submitted, with the decoding context and trace its events carry.
     *
     * @return false when the request is already open here (a redelivered record), which must not run twice
     */
    public boolean open(String requestId, DecodeContext decode, TraceHeaders trace) {
        return streams.putIfAbsent(requestId, new TokenStream(requestId, decode, trace, streamInterval)) == null;
    }

    /** Ends a request that never reached an engine (unknown model, load failure) with an error. */
    public void refuse(String requestId, DecodeContext decode, int promptTokens, ErrorInfo error, TraceHeaders trace) {
        if (!open(requestId, decode, trace)) {
            LOG.warn("request {} refused while already running here; refusal dropped", requestId);
            return;
        }
        onFinished(requestId, FinishReason.ERROR, new Usage(promptTokens, 0), new Timings(0, 0, 0), error);
    }

    /**
     * Publishes nothing more of a request: its partition was lost to another replica, which runs it again
     * (the caller then cancels it in the engine, whose last words are dropped too).
     */
    public void abandon(String requestId) {
        if (streams.remove(requestId) != null) {
            abandoned.add(requestId);
        }
    }

    /** Where each open request replies (a snapshot): the orphan sweep finds those whose gateway died. */
    public Map<String, dev.llmplatform.contracts.ReplyTo> openReplyTargets() {
        Map<String, dev.llmplatform.contracts.ReplyTo> targets = new java.util.HashMap<>();
        streams.forEach((id, stream) -> targets.put(id, stream.decode().replyTo()));
        return targets;
    }

    /** Requests opened and not yet finished and published. */
    public int openStreams() {
        return streams.size();
    }

    @Override
    public void beginStep() {
        step.set(new ArrayList<>());
    }

    /**
     * Sends the step's record from the engine thread itself: no hand-off to another thread before the
     * producer (whose {@code send} only appends to its buffer and wakes its I/O thread; it blocks only when
     * that buffer is full, the broker long gone, and then holding the engine is the backpressure wanted).
     * At most one step record is in flight (Nagle's rule): a step that ends before the previous record is
     * acknowledged is held, its tokens coalescing with the next steps', and leaves when that acknowledgement
     * comes. An idle platform sends every token at once; a busy one sends fewer, fuller records.
     */
    @Override
    public void endStep() {
        List<TokenStream> reported = step.get();
        step.remove();
        if (reported == null || reported.isEmpty()) {
            return;
        }
        synchronized (sendLock) {
            held.addAll(reported);
            sendHeldOrWait();
        }
    }

    /**
     * Sends what is held when no record is in flight, else has the in-flight record's answer wake the publisher
     * thread to do it. The answer comes on the producer's I/O thread, which only queues a wake-up: it must not
     * take sendLock, which an engine thread may hold while the producer makes it wait for buffer space.
     */
    private void sendHeldOrWait() {
        if (held.isEmpty()) {
            return;
        }
        if (lastSent.isDone()) {
            List<TokenStream> sending = List.copyOf(held);
            held.clear();
            lastSent = publish(sending);
        } else if (!flushScheduled) {
            flushScheduled = true;
            lastSent.whenComplete((result, error) -> ready.add(FLUSH));
        }
    }

    @Override
    public void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs) {
        TokenStream stream = streams.get(requestId);
        if (stream == null) {
            if (!abandoned.contains(requestId)) {
                LOG.warn("tokens for unknown request {} dropped", requestId);
            }
            return;
        }
        if (stream.addTokens(tokenIds, logprobs)) {
            handOver(stream);
        }
    }

    /** Held by the stream and sent on its first event (no event of its own, so the tokenizer sees one first event). */
    @Override
    public void onPromptLogprobs(String requestId, List<TokenLogprob> logprobs) {
        TokenStream stream = streams.get(requestId);
        if (stream != null) {
            stream.setPromptLogprobs(logprobs);
        }
    }

    @Override
    public void onFinished(String requestId, FinishReason reason, Usage usage, Timings timings, ErrorInfo error) {
        TokenStream stream = streams.get(requestId);
        if (stream == null) {
            if (!abandoned.remove(requestId)) {
                LOG.warn("finish of unknown request {} dropped", requestId);
            }
            return;
        }
        if (stream.finish(reason, usage, timings, error)) {
            handOver(stream);
        }
    }

    private void handOver(TokenStream stream) {
        List<TokenStream> current = step.get();
        if (current != null) {
            current.add(stream);
        } else {
            ready.add(new Handed(List.of(stream), false));
        }
    }

    private void run() {
        List<Handed> handed = new ArrayList<>();
        while (true) {
            try {
                handed.add(ready.take());
            } catch (InterruptedException e) {
                return;
            }
            ready.drainTo(handed);
            boolean stop = handed.remove(STOP);
            boolean flush = handed.removeIf(h -> h == FLUSH);
            List<TokenStream> reported = new ArrayList<>();
            handed.forEach(h -> reported.addAll(h.streams()));
            handed.clear();
            synchronized (sendLock) {
                if (!reported.isEmpty()) {
                    publish(reported);   // outside any step: at once, beside the in-flight record
                }
                if (flush) {
                    flushScheduled = false;
                    sendHeldOrWait();
                }
                if (stop && !held.isEmpty()) {
                    List<TokenStream> rest = List.copyOf(held);
                    held.clear();
                    publish(rest);
                }
            }
            if (stop) {
                return;
            }
        }
    }

    /**
     * Drains the streams into one step record and sends it; called holding sendLock, so engine threads and
     * the publisher thread take turns and a request's events leave in the order they were drained.
     *
     * @return completes once the record is answered (at once when there was nothing to send)
     */
    private CompletableFuture<?> publish(List<TokenStream> handed) {
        List<TokenStep.Item> items = new ArrayList<>();
        for (TokenStream stream : handed) {
            TokenEvent event = stream.drain();
            if (event == null) {
                continue;
            }
            if (event.isLast()) {
                streams.remove(stream.requestId());
            }
            items.add(new TokenStep.Item(event, stream.trace().traceparent(), stream.trace().tracestate()));
        }
        return items.isEmpty() ? CompletableFuture.completedFuture(null) : send(TokenStep.of(items));
    }

    private CompletableFuture<?> send(TokenStep tokens) {
        try {
            return sender.send(tokens);
        } catch (RuntimeException e) {
            LOG.error("cannot publish the tokens of requests {}",
                    tokens.items().stream().map(item -> item.event().requestId()).toList(), e);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Publishes everything already handed over, then stops the publisher thread. */
    @Override
    public void close() {
        ready.add(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
