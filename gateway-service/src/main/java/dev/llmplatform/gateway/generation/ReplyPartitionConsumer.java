package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.binary.StepCodec;
import dev.llmplatform.kafka.TraceHeaders;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Reads the one reply partition this gateway instance owns, on its own thread, and routes each
 * event to the request waiting for it: a binary {@link ReplyStep} (the token path: the events of many
 * requests in one record) is unpacked onto each request's stream; any other record is one JSON
 * {@link GenerationEvent}. The events go straight from this thread into the requests' sinks. The partition is assigned by hand (no consumer group, no
 * rebalancing, no commits): a restarted instance has no requests to resume, so it starts at the
 * end of the partition.
 */
public final class ReplyPartitionConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplyPartitionConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

    private final Consumer<String, byte[]> consumer;
    private final TopicPartition partition;
    private final ReplyRouter router;
    private final BiConsumer<ConsumerRecord<?, ?>, Exception> deadLetters;
    private final Thread thread;
    private volatile boolean running;

    /** @param deadLetters where an unreadable reply goes (the partition's dead-letter topic) */
    public ReplyPartitionConsumer(Consumer<String, byte[]> consumer, TopicPartition partition, ReplyRouter router,
                                  BiConsumer<ConsumerRecord<?, ?>, Exception> deadLetters) {
        this.consumer = consumer;
        this.partition = partition;
        this.router = router;
        this.deadLetters = deadLetters;
        this.thread = Thread.ofPlatform().daemon().name("gateway-replies-" + partition).unstarted(this::pollLoop);
    }

    /**
     * Seeks to the end of the partition and resolves that position before returning (seekToEnd
     * alone is lazy), so every reply published after start-up is read; then starts polling.
     */
    public void start(Duration positionTimeout) {
        try {
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            long offset = consumer.position(partition, positionTimeout);
            log.info("reading replies from {} at offset {}", partition, offset);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
        running = true;
        thread.start();
    }

    private void pollLoop() {
        try {
            while (running) {
                pollOnce();
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pollOnce() {
        try {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                handle(record);
            }
        } catch (WakeupException e) {
            // close() woke us up; the loop condition ends the thread
        } catch (RuntimeException e) {
            // Keep serving: a broker hiccup must not leave every later request without replies.
            log.error("polling {} failed; retrying in 1 s", partition, e);
            sleepQuietly(Duration.ofSeconds(1));
        }
    }

    private static void sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (StepCodec.isBinary(record.value())) {
            handleStep(record);
            return;
        }
        GenerationEvent event;
        try {
            event = Topics.GENERATION_EVENTS.decode(record.value());
        } catch (PoisonMessageException e) {
            deadLetterAndFail(record, e, record.key() == null ? List.of() : List.of(record.key()));
            return;
        }
        router.route(event);
    }

    private void handleStep(ConsumerRecord<String, byte[]> record) {
        ReplyStep step;
        try {
            step = Topics.GENERATION_EVENT_STEPS.decode(record.value());
        } catch (PoisonMessageException e) {
            deadLetterAndFail(record, e, StepCodec.names(record.value()).stream().map(StepCodec.Named::requestId).toList());
            return;
        }
        for (ReplyStep.Item item : step.items()) {
            router.route(item.event());
        }
    }

    /** The requests the record names (its key, or a step record's header) fail now instead of at their deadlines. */
    private void deadLetterAndFail(ConsumerRecord<String, byte[]> record, PoisonMessageException e, List<String> requestIds) {
        try (TraceHeaders.MdcScope ignored = TraceHeaders.of(record.headers()).inMdc()) {
            log.warn("dead-lettering unreadable reply at {}@{} (key {}, requests {}): {}", partition, record.offset(),
                    record.key(), requestIds, e.getMessage());
            deadLetter(record, e);
        }
        for (String requestId : requestIds) {
            router.route(new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, requestId, new ErrorInfo(502,
                    "server_error", "The platform sent a reply the gateway cannot read (dead-lettered)", null, null)));
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, Exception e) {
        try {
            deadLetters.accept(record, e);
        } catch (RuntimeException failed) {
            log.error("cannot dead-letter the reply at {}@{}", partition, record.offset(), failed);
        }
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
