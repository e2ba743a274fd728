package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.gateway.error.ApiException;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs the {@link ReplyPartitionConsumer} with the application: started (and positioned) before
 * the web server accepts requests, stopped after it has closed, failing whatever still waits.
 */
class ReplyListener implements SmartLifecycle {

    /** Early: before the web server starts, after it stops. */
    static final int PHASE = 0;
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(60);

    private final Supplier<ReplyPartitionConsumer> consumers;
    private final ReplyRouter router;
    private ReplyPartitionConsumer consumer;

    ReplyListener(Supplier<ReplyPartitionConsumer> consumers, ReplyRouter router) {
        this.consumers = consumers;
        this.router = router;
    }

    @Override
    public synchronized void start() {
        if (consumer == null) {
            ReplyPartitionConsumer started = consumers.get();
            started.start(POSITION_TIMEOUT);
            consumer = started;
        }
    }

    @Override
    public synchronized void stop() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
            router.failAll(new ApiException(new ErrorInfo(503, "server_error",
                    "The gateway is shutting down, please retry", null, "service_unavailable")));
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return consumer != null;
    }

    /** True while started and its poll thread still runs: the gateway's replies arrive. */
    synchronized boolean isConsuming() {
        return consumer != null && consumer.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
