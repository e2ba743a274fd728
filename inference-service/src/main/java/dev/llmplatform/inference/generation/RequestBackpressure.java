package dev.llmplatform.inference.generation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Pauses the request consumer while an engine's queue is half full, and resumes it once the queue
 * has drained below that: Kafka holds the backlog instead of the heap. While paused, one timer
 * checks every {@value #CHECK_MS} ms; otherwise nothing runs.
 */
public final class RequestBackpressure implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestBackpressure.class);
    private static final long CHECK_MS = 20;

    private final KafkaListenerEndpointRegistry registry;
    private final String listenerId;
    private final BooleanSupplier saturated;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("inference-backpressure").daemon().factory());

    public RequestBackpressure(KafkaListenerEndpointRegistry registry, String listenerId, BooleanSupplier saturated) {
        this.registry = registry;
        this.listenerId = listenerId;
        this.saturated = saturated;
    }

    /** Called after each submitted request. */
    public void check() {
        if (saturated.getAsBoolean() && paused.compareAndSet(false, true)) {
            container().pause();
            LOG.info("inference queue half full: request consumer paused");
            timer.schedule(this::resumeWhenDrained, CHECK_MS, TimeUnit.MILLISECONDS);
        }
    }

    public boolean isPaused() {
        return paused.get();
    }

    private void resumeWhenDrained() {
        if (saturated.getAsBoolean()) {
            timer.schedule(this::resumeWhenDrained, CHECK_MS, TimeUnit.MILLISECONDS);
            return;
        }
        container().resume();
        paused.set(false);
        LOG.info("inference queue drained: request consumer resumed");
    }

    private MessageListenerContainer container() {
        MessageListenerContainer container = registry.getListenerContainer(listenerId);
        if (container == null) {
            throw new IllegalStateException("no listener container '" + listenerId + "'");
        }
        return container;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
