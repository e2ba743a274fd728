package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.engine.TokenSink;
import dev.llmplatform.kafka.TraceHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The engines' {@link TokenSink}: it never blocks the engine thread. Each request's tokens go into
 * a small buffer; one publisher thread takes buffers that have something new, in the order they
 * became ready, and sends all their pending tokens as one {@link TokenEvent}. When the engine runs
 * ahead of the producer, tokens coalesce; events of one request leave in order from one thread.
 * A non-streamed request ({@code decode.stream == false}) leaves as one event when it finishes.
 * Every event goes with the trace context its request was opened with, and the publisher's log lines
 * carry that trace id.
 */
public final class TokenEventPublisher implements TokenSink, AutoCloseable {

    /** Sends one event (to Kafka in the service) with its request's trace; called from the publisher thread only. */
    @FunctionalInterface
    public interface Sender {
        void send(TokenEvent event, TraceHeaders trace);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TokenEventPublisher.class);
    private static final TokenStream STOP = new TokenStream("", null, TraceHeaders.NONE, 1);

    private final Sender sender;
    private final int streamInterval;
    private final Map<String, TokenStream> streams = new ConcurrentHashMap<>();
    /** Requests whose partition moved to another replica: what the engine still makes of them is dropped quietly. */
    private final Set<String> abandoned = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<TokenStream> ready = new LinkedBlockingQueue<>();
    private final Thread thread;

    /** Streams every token as soon as the publisher gets to it. */
    public TokenEventPublisher(Sender sender) {
        this(sender, 1);
    }

    /**
     * @param streamInterval tokens a stream collects before they are published (vLLM's
     *                       {@code --stream-interval}): 1 sends each at once; more means fewer, larger
     *                       records, less CPU per token on the Kafka path and burstier streams. A stream's
     *                       first token and its last ones leave at once whatever the interval.
     */
    public TokenEventPublisher(Sender sender, int streamInterval) {
        if (streamInterval < 1) {
            throw new IllegalArgumentException("streamInterval must be >= 1, got " + streamInterval);
        }
        this.sender = sender;
        this.streamInterval = streamInterval;
        this.thread = Thread.ofPlatform().name("token-event-publisher").daemon().start(this::run);
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

    /** Requests opened and not yet finished and published. */
    public int openStreams() {
        return streams.size();
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
            ready.add(stream);
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
            ready.add(stream);
        }
    }

    private void run() {
        while (true) {
            TokenStream stream;
            try {
                stream = ready.take();
            } catch (InterruptedException e) {
                return;
            }
            if (stream == STOP) {
                return;
            }
            TokenEvent event = stream.drain();
            if (event == null) {
                continue;
            }
            if (event.isLast()) {
                streams.remove(stream.requestId());
            }
            try (TraceHeaders.MdcScope ignored = stream.trace().inMdc()) {
                send(stream, event);
            }
        }
    }

    private void send(TokenStream stream, TokenEvent event) {
        try {
            sender.send(event, stream.trace());
        } catch (RuntimeException e) {
            LOG.error("cannot publish tokens of request {}", stream.requestId(), e);
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
