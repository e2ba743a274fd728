package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.Heartbeat;
import dev.llmplatform.kafka.TopicRecords;
import dev.llmplatform.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells inference this gateway instance is alive: a {@link Heartbeat} naming its reply partition on
 * {@link Topics#HEARTBEATS} every {@link Heartbeat#INTERVAL}. When they stop (the process died), inference
 * cancels the generations that reply to this partition: nobody would read them.
 */
final class GatewayHeartbeats implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GatewayHeartbeats.class);

    private final KafkaTemplate<String, String> kafka;
    private final int replyPartition;
    private final String instance;
    private ScheduledExecutorService timer;

    GatewayHeartbeats(KafkaTemplate<String, String> kafka, int replyPartition) {
        this.kafka = kafka;
        this.replyPartition = replyPartition;
        this.instance = "gateway-" + replyPartition + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("gateway-heartbeats").factory());
        long every = Heartbeat.INTERVAL.toMillis();
        timer.scheduleAtFixedRate(this::beat, 0, every, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        try {
            kafka.send(TopicRecords.record(Topics.HEARTBEATS, instance, new Heartbeat(Heartbeat.CURRENT_VERSION,
                    instance, replyPartition, System.currentTimeMillis()))).whenComplete((result, error) -> {
                if (error != null) {
                    log.debug("heartbeat not sent: {}", error.toString());
                }
            });
        } catch (RuntimeException e) {   // a failed beat must not end the schedule
            log.debug("heartbeat not sent: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
