package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.kv.KvCacheBudget;
import dev.llmplatform.inference.engine.kv.PrefixCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Continuous batching on one dedicated thread. {@link #submit} and {@link #cancel} only enqueue a
 * command and wake the thread, so callers never block and no lock serialises them. Each step the
 * thread: applies commands; ends sequences past their deadline; admits waiting requests by priority,
 * then arrival (batch slots and KV budget permitting, preempting less urgent running sequences when a
 * more urgent one needs their room, each starting from its longest cached prompt prefix); prefills at
 * most {@code prefillChunkTokens} prompt tokens in all, oldest admission first; then runs ONE batched
 * decode step for every sequence that has a token to feed, samples, and reports tokens. So a running
 * sequence gets a token every step, however long the prompts being admitted beside it, and no
 * change of the batch recomputes anyone's cache. With nothing to do it parks until woken.
 */
public final class InferenceEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);
    private static final int REMEMBERED_CANCELS = 4096;
    private static final ErrorInfo SHUT_DOWN =
            new ErrorInfo(503, "server_error", "inference engine shut down", null, "unavailable");

    private sealed interface Command {
        record Submit(Sequence sequence) implements Command {
        }

        /** @param afterTokens 0: at once; otherwise once the request has generated that many tokens */
        record Cancel(String requestId, int afterTokens) implements Command {
        }
    }

    private final Decoder decoder;
    private final EngineSettings settings;
    private final TokenSink sink;
    private final KvCacheBudget budget;
    private final PrefixCache prefixCache;
    private final EngineMetrics metrics;
    private final Scheduler scheduler;
    private final BatchStep step;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    /** Submits not yet taken from the command queue; with {@link #waiting}, what {@code maxWaiting} limits. */
    private final AtomicInteger pendingSubmits = new AtomicInteger();
    /** Cancels that arrived before their request (they travel on another topic), oldest first. */
    private final Map<String, Integer> earlyCancels = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED_CANCELS;
        }
    };
    private final Thread thread;
    private volatile boolean closed;
    /** Set by {@link #drain}: new requests are refused while the admitted and waiting ones finish. */
    private volatile boolean draining;
    private volatile int waiting;
    private volatile int running;
    private volatile long steps;
    private final InstantSource clock;
    /** See {@link EngineHealth#lastProgress()}. */
    private volatile Instant lastProgress;

    public InferenceEngine(String name, Decoder decoder, EngineSettings settings, TokenSink sink) {
        this(name, decoder, settings, sink, EngineMetrics.NONE);
    }

    public InferenceEngine(String name, Decoder decoder, EngineSettings settings, TokenSink sink, EngineMetrics metrics) {
        this(name, decoder, settings, sink, metrics, InstantSource.system());
    }

    /** @param clock what {@link #health()} measures progress by */
    public InferenceEngine(String name, Decoder decoder, EngineSettings settings, TokenSink sink, EngineMetrics metrics,
                           InstantSource clock) {
        this.clock = clock;
        this.lastProgress = clock.instant();
        this.decoder = decoder;
        this.settings = settings;
        this.sink = sink;
        this.metrics = metrics;
        this.budget = new KvCacheBudget(settings.kvCacheBytes(), decoder.kvBytesPerToken());
        this.prefixCache = new PrefixCache(settings.prefixBlockTokens(), settings.prefixCacheBytes(), budget,
                decoder.kvHeapBytesPerToken());
        this.scheduler = new Scheduler(decoder, budget, settings.maxBatchSize(), sink, prefixCache, metrics);
        this.step = new BatchStep(decoder, scheduler, prefixCache, sink, metrics, settings.prefillChunkTokens());
        this.thread = Thread.ofPlatform().name("inference-engine-" + name).daemon()
                .uncaughtExceptionHandler((t, e) -> LOG.error("engine thread {} died", t.getName(), e))
                .unstarted(this::loop);
    }

    /** Runs one tiny prefill and decode step so the first request does not pay for lazy initialisation. */
    public static void warmUp(Decoder decoder) {
        KvCache cache = decoder.newCache(2);
        decoder.step(List.of(cache), List.of(new int[]{0}), false);
        decoder.step(List.of(cache), List.of(new int[]{0}), false);
        cache.release();
    }

    public InferenceEngine start() {
        thread.start();
        return this;
    }

    /**
     * Queues a request; never blocks. An invalid request, or one beyond {@code maxWaiting}, is
     * finished at once (on the calling thread) with an error.
     */
    public void submit(EngineRequest request) {
        long now = System.nanoTime();
        Sequence sequence = new Sequence(request, decoder.contextLength(), now);
        ErrorInfo invalid = closed || draining ? SHUT_DOWN : RequestValidator.check(request, decoder, budget);
        if (invalid == null && pendingSubmits.incrementAndGet() + waiting > settings.maxWaiting()) {
            pendingSubmits.decrementAndGet();
            invalid = new ErrorInfo(503, "server_error", "inference engine queue is full", null, "overloaded");
        }
        if (invalid != null) {
            metrics.finished(FinishReason.ERROR);
            sink.onFinished(request.id(), FinishReason.ERROR, sequence.usage(), sequence.timings(now), invalid);
            return;
        }
        commands.add(new Command.Submit(sequence));
        LockSupport.unpark(thread);
    }

    /** Cancels a request wherever it is (or before it arrives); its slot is freed at the next step. */
    public void cancel(String requestId) {
        cancel(requestId, null);
    }

    /**
     * Cancels a request once it has generated {@code afterTokens} tokens (at once when it has, or when null):
     * a stop string's cancel, which must not cut short a re-run of the request that it reaches early.
     */
    public void cancel(String requestId, Integer afterTokens) {
        commands.add(new Command.Cancel(requestId, afterTokens == null ? 0 : Math.max(0, afterTokens)));
        LockSupport.unpark(thread);
    }

    /**
     * True when half the waiting limit is used: the Kafka adapter then pauses its consumer until this
     * clears, early enough that records it has already fetched still fit under the limit.
     */
    public boolean isSaturated() {
        return pendingSubmits.get() + waiting >= Math.max(1, settings.maxWaiting() / 2);
    }

    public EngineStats stats() {
        return new EngineStats(pendingSubmits.get() + waiting, running, budget.reservedBytes(), budget.totalBytes(),
                prefixCache.bytes(), steps, step.generatedTokens());
    }

    /** Work, last progress and whether the engine thread died; see {@link EngineHealth}. */
    public EngineHealth health() {
        boolean died = thread.getState() == Thread.State.TERMINATED && !closed;
        return new EngineHealth(pendingSubmits.get() + waiting, running, lastProgress, died);
    }

    private void loop() {
        while (!closed) {
            try {
                if (!runStep()) {
                    LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
                }
            } catch (RuntimeException | Error e) {
                LOG.error("engine step failed; failing its running sequences", e);
                scheduler.finishAll(FinishReason.ERROR, ErrorInfo.internal("engine failure: " + e.getMessage()), System.nanoTime());
                publishCounts();
            }
        }
    }

    /** One scheduling step; false when there was nothing to do. Runs on the engine thread only. */
    boolean runStep() {
        sink.beginStep();
        try {
            return stepOnce();
        } finally {
            sink.endStep();
        }
    }

    private boolean stepOnce() {
        if (scheduler.waitingCount() == 0 && scheduler.runningCount() == 0) {
            lastProgress = clock.instant();   // idle until now: whatever arrives starts its stall bound here
        }
        applyCommands();
        long now = System.nanoTime();
        scheduler.expireDeadlines(System.currentTimeMillis(), now);
        scheduler.admit(now);
        publishCounts();
        if (scheduler.runningCount() == 0) {
            return false;
        }
        step.run(scheduler.running());
        publishCounts();
        steps++;
        lastProgress = clock.instant();
        return true;
    }

    private void applyCommands() {
        for (Command c; (c = commands.poll()) != null; ) {
            long now = System.nanoTime();
            switch (c) {
                case Command.Submit submit -> {
                    Sequence s = submit.sequence();
                    pendingSubmits.decrementAndGet();
                    scheduler.enqueue(s);
                    Integer early = earlyCancels.remove(s.id());
                    if (early != null && !scheduler.cancel(s.id(), early, now)) {
                        s.cancelAfter(early);
                    }
                }
                case Command.Cancel cancel -> {
                    Sequence s = scheduler.find(cancel.requestId());
                    if (s == null) {
                        earlyCancels.merge(cancel.requestId(), cancel.afterTokens(), Math::min);
                    } else if (!scheduler.cancel(cancel.requestId(), cancel.afterTokens(), now)) {
                        s.cancelAfter(cancel.afterTokens());
                    }
                }
            }
        }
    }


    /**
     * Stops taking requests (new ones end at once with a 503) and waits, up to {@code timeout}, for
     * every running and waiting one to finish normally: a rolling restart then ends no stream early.
     * Call {@link #close()} afterwards; it ends whatever is left with a 503.
     *
     * @return true when nothing was left
     */
    public boolean drain(Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (busy() && deadline - System.nanoTime() > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return !busy();
    }

    private boolean busy() {
        return pendingSubmits.get() > 0 || waiting > 0 || running > 0;
    }

    /** Stops the engine thread; every request still queued or running ends with a 503 error. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("engine thread {} did not stop within 10 s", thread.getName());
            return;
        }
        applyCommands();
        scheduler.finishAll(FinishReason.ERROR, SHUT_DOWN, System.nanoTime());
    }

    /** Whether the engine thread has ended (or never started): only then may its decoder's session be closed. */
    public boolean stopped() {
        return !thread.isAlive();
    }

    private void publishCounts() {
        waiting = scheduler.waitingCount();
        running = scheduler.runningCount();
    }
}
