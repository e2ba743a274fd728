package dev.llmplatform.inference.orphans;

import dev.llmplatform.contracts.Heartbeat;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Cancels the generations whose gateway died. One thread per replica reads {@link Topics#HEARTBEATS} whole
 * (assigned, no group: every replica must hear every gateway), sends this replica's own heartbeat there,
 * and twice a second cancels each open request that replies to a partition {@link GatewayLiveness} calls
 * dead. Requests replying elsewhere (a Kafka-native batch job's own topic) are never touched.
 */
public final class OrphanReaper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final org.apache.kafka.clients.consumer.Consumer<String, String> consumer;
    private final BiConsumer<String, String> send;
    private final Supplier<Map<String, ReplyTo>> open;
    private final Consumer<String> cancel;
    private final Runnable counted;
    private final BiConsumer<ConsumerRecord<String, String>, Exception> poison;
    private final GatewayLiveness liveness;
    private final LongSupplier clock;
    private final String instance;
    private final Set<String> cancelled = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long lastBeatMs = Long.MIN_VALUE / 2;

    /**
     * @param send    sends one heartbeat (key, JSON) on {@link Topics#HEARTBEATS}; must not block for long
     * @param open    the open requests and where each replies
     * @param cancel  cancels a request in the engines
     * @param counted runs once per request cancelled for its gateway's death
     * @param poison  dead-letters an unreadable heartbeat (each replica reads them all, so each does)
     */
    public OrphanReaper(org.apache.kafka.clients.consumer.Consumer<String, String> consumer, BiConsumer<String, String> send,
                        Supplier<Map<String, ReplyTo>> open, Consumer<String> cancel, Runnable counted,
                        BiConsumer<ConsumerRecord<String, String>, Exception> poison, Duration timeout, String instance, LongSupplier clock) {
        this.consumer = consumer;
        this.send = send;
        this.open = open;
        this.cancel = cancel;
        this.counted = counted;
        this.poison = poison;
        long interval = Heartbeat.INTERVAL.toMillis();
        this.liveness = new GatewayLiveness(timeout.toMillis(), 2 * interval + POLL.toMillis());
        this.clock = clock;
        this.instance = instance;
        List<TopicPartition> partitions = List.of(new TopicPartition(Topics.HEARTBEATS.name(), 0));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        thread = Thread.ofPlatform().daemon().name("orphan-reaper").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    heard(record);
                }
                beat();
                reap();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {   // the broker away, a send refused: try again next round
                log.debug("orphan sweep: {}", e.toString());
                sleepQuietly();
            }
        }
    }

    private void heard(ConsumerRecord<String, String> record) {
        Heartbeat heartbeat;
        try {
            heartbeat = Topics.HEARTBEATS.decode(record.value());
        } catch (RuntimeException e) {
            log.warn("unreadable heartbeat at offset {} dead-lettered: {}", record.offset(), e.getMessage());
            poison.accept(record, e);
            return;
        }
        if (instance.equals(heartbeat.instance())) {
            liveness.heardSelf(clock.getAsLong());
        } else if (heartbeat.replyPartition() != null) {
            liveness.heardGateway(heartbeat.replyPartition());
        }
    }

    private void beat() {
        long now = clock.getAsLong();
        if (now - lastBeatMs >= Heartbeat.INTERVAL.toMillis()) {
            lastBeatMs = now;
            send.accept(instance, Topics.HEARTBEATS.encode(new Heartbeat(Heartbeat.CURRENT_VERSION, instance, null, now)));
        }
    }

    private void reap() {
        Set<Integer> dead = liveness.dead();
        Map<String, ReplyTo> targets = open.get();
        cancelled.retainAll(targets.keySet());
        if (dead.isEmpty()) {
            return;
        }
        targets.forEach((requestId, replyTo) -> {
            if (Topics.GENERATION_EVENTS.name().equals(replyTo.topic()) && dead.contains(replyTo.partition())
                    && cancelled.add(requestId)) {
                log.info("request {}: its gateway (reply partition {}) is silent; cancelled", requestId, replyTo.partition());
                cancel.accept(requestId);
                counted.run();
            }
        });
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
        consumer.close(Duration.ZERO);
    }
}
