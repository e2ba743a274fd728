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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The engines' {@link TokenSink}. Each request's tokens go into a small buffer; what one engine step
 * reports (between {@link #beginStep} and {@link #endStep}) leaves at the step's end as one
 * {@link TokenStep} holding every request of the step, sent by the engine thread itself (no thread
 * hand-off before the producer; see {@link #endStep}). Reports outside a step (a refusal on the
 * listener's thread) go to a publisher thread, which coalesces whatever piled up. Events of one
 * request leave in order: drain and send happen under one lock. A non-streamed request ({@code decode.stream == false}) leaves as one event when it
 * finishes. Every event goes with the trace context its request was opened with, and the publisher's
 * log lines carry that trace id.
 */
public final class TokenEventPublisher implements TokenSink, AutoCloseable {

    /** Sends one step record (to Kafka in the service); called from the publisher thread only. */
    @FunctionalInterface
    public interface StepSender {
        void send(TokenStep step);
    }

    /** Sends one event with its request's trace: the step's items one by one (tests and tools). */
    @FunctionalInterface
    public interface Sender {
        void send(TokenEvent event, TraceHeaders trace);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TokenEventPublisher.class);
    private static final List<TokenStream> STOP = List.of(new TokenStream("", null, TraceHeaders.NONE, 1));

    private final StepSender sender;
    private final int streamInterval;
    private final Map<String, TokenStream> streams = new ConcurrentHashMap<>();
    /** Hand-offs to the publisher: a step's streams, or one stream reported outside a step. */
    private final LinkedBlockingQueue<List<TokenStream>> ready = new LinkedBlockingQueue<>();
    /** The streams of the step running on this thread; null outside a step. */
    private final ThreadLocal<List<TokenStream>> step = new ThreadLocal<>();
    private final Object sendLock = new Object();
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
     */
    @Override
    public void endStep() {
        List<TokenStream> reported = step.get();
        step.remove();
        if (reported != null && !reported.isEmpty()) {
            publish(List.of(reported));
        }
    }

    @Override
    public void onTokens(String requestId, int offset, int[] tokenIds, List<TokenLogprob> logprobs) {
        TokenStream stream = streams.get(requestId);
        if (stream == null) {
            LOG.warn("tokens for unknown request {} dropped", requestId);
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
            LOG.warn("finish of unknown request {} dropped", requestId);
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
            ready.add(List.of(stream));
        }
    }

    private void run() {
        List<List<TokenStream>> handed = new ArrayList<>();
        while (true) {
            try {
                handed.add(ready.take());
            } catch (InterruptedException e) {
                return;
            }
            ready.drainTo(handed);
            boolean stop = handed.remove(STOP);
            publish(handed);
            handed.clear();
            if (stop) {
                return;
            }
        }
    }

    /**
     * Drains the streams into one step record and sends it. Engine threads and the publisher thread take
     * turns (a lock, held through the send), so a request's events leave in the order they were drained.
     */
    private void publish(List<List<TokenStream>> handed) {
        synchronized (sendLock) {
            List<TokenStep.Item> items = new ArrayList<>();
            for (List<TokenStream> streamsOfStep : handed) {
                for (TokenStream stream : streamsOfStep) {
                    TokenEvent event = stream.drain();
                    if (event == null) {
                        continue;
                    }
                    if (event.isLast()) {
                        streams.remove(stream.requestId());
                    }
                    items.add(new TokenStep.Item(event, stream.trace().traceparent(), stream.trace().tracestate()));
                }
            }
            if (!items.isEmpty()) {
                send(TokenStep.of(items));
            }
        }
    }

    private void send(TokenStep tokens) {
        try {
            sender.send(tokens);
        } catch (RuntimeException e) {
            LOG.error("cannot publish the tokens of requests {}",
                    tokens.items().stream().map(item -> item.event().requestId()).toList(), e);
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
