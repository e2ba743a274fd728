package dev.llmplatform.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * vLLM's {@code benchmark} loop, open loop: each request is let go at its arrival time whatever the
 * earlier ones are doing, then waits for the client's concurrency cap ({@code --max-concurrency}, a fair
 * semaphore as vLLM's), then is sent. The run lasts from its start to the last request's end. A request
 * that has not ended {@code timeout} after it was sent is interrupted and counted as failed (vLLM's
 * client gives up after 6 hours; a benchmark of a few minutes should not hang on one lost stream).
 */
final class ServeLoad {

    /** One request of the workload: a prompt as text (HTTP) and as token ids (engine; null when unknown). */
    record Request(String text, int[] ids, int promptLen, int outputLen) {
    }

    /** Where the requests go: sends one and blocks until its stream ends. Called from many threads at once. */
    interface Target {
        /** @param trace started by the target just before it sends; fed with every chunk */
        void send(Request request, ServeTrace trace) throws Exception;
    }

    /** A run's per-request outputs (in request order) and its duration in seconds. */
    record Run(List<ServeOutput> outputs, double duration) {
    }

    private ServeLoad() {
    }

    /** With a 10-minute timeout per request. */
    static Run run(Target target, List<Request> requests, double[] arrivals, int maxConcurrency) throws InterruptedException {
        return run(target, requests, arrivals, maxConcurrency, TimeUnit.MINUTES.toNanos(10));
    }

    /**
     * @param maxConcurrency 0 for no cap
     * @param timeoutNanos   most time a request may take from its send to its end
     */
    static Run run(Target target, List<Request> requests, double[] arrivals, int maxConcurrency, long timeoutNanos)
            throws InterruptedException {
        int n = requests.size();
        ServeOutput[] outputs = new ServeOutput[n];
        Semaphore cap = maxConcurrency > 0 ? new Semaphore(maxConcurrency, true) : null;
        long origin = System.nanoTime();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().factory());
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        try (timer; ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long due = origin + (long) (arrivals[i] * 1e9);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                int index = i;
                long arrived = System.nanoTime();
                threads.submit(() -> outputs[index] = one(target, requests.get(index), arrived, origin, cap, timer, timeoutNanos));
            }
        }
        double duration = (System.nanoTime() - origin) / 1e9;
        return new Run(new ArrayList<>(Arrays.asList(outputs)), duration);
    }

    private static ServeOutput one(Target target, Request request, long arrived, long origin, Semaphore cap,
                                   ScheduledExecutorService timer, long timeoutNanos) {
        ServeTrace trace = new ServeTrace(arrived, request.promptLen());
        AtomicBoolean timedOut = new AtomicBoolean();
        try {
            if (cap != null) {
                cap.acquire();
            }
            Thread self = Thread.currentThread();
            ScheduledFuture<?> alarm = timer.schedule(() -> {
                timedOut.set(true);
                self.interrupt();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
            try {
                target.send(request, trace);
            } finally {
                alarm.cancel(false);
                Thread.interrupted();  // an alarm that fired as the request ended
                if (cap != null) {
                    cap.release();
                }
            }
        } catch (Exception e) {
            trace.fail(timedOut.get()
                    ? String.format("no end within %.0f s of the send (%d chunks, %d tokens by then; response id %s)",
                    timeoutNanos / 1e9, trace.chunks(), trace.tokens(), trace.responseId())
                    : String.valueOf(e));
        }
        return trace.toOutput(origin);
    }
}
