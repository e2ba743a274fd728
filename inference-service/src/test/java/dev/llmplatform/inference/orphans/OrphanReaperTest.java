package dev.llmplatform.inference.orphans;

import dev.llmplatform.contracts.Heartbeat;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OrphanReaperTest {

    private static final String SELF = "inference-test";
    private static final TopicPartition HEARTBEATS = new TopicPartition(Topics.HEARTBEATS.name(), 0);

    private final MockConsumer<String, String> consumer = new MockConsumer<>("latest");
    private final AtomicLong clock = new AtomicLong();
    private final List<String> sentBy = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final AtomicInteger counted = new AtomicInteger();
    private final List<Long> deadLettered = new CopyOnWriteArrayList<>();
    private long offset;
    private OrphanReaper reaper;

    @AfterEach
    void close() throws InterruptedException {
        if (reaper != null) {
            reaper.close();
        }
    }

    @Test
    void shouldCancelOnlyTheRequestsOfTheGatewayThatFellSilentAndEachOnce() {
        consumer.updateEndOffsets(Map.of(HEARTBEATS, 0L));
        Map<String, ReplyTo> open = Map.of(
                "on-dead-gateway", new ReplyTo(Topics.GENERATION_EVENTS.name(), 2),
                "on-live-gateway", new ReplyTo(Topics.GENERATION_EVENTS.name(), 3),
                "batch", new ReplyTo("llm.batch.results", 2));
        reaper = new OrphanReaper(consumer, (key, json) -> sentBy.add(key), () -> open, cancelled::add,
                counted::incrementAndGet, (record, error) -> deadLettered.add(record.offset()), Duration.ofSeconds(5),
                SELF, clock::get);

        for (long t = 0; t <= 8_000; t += 1_000) {
            clock.set(t);
            beat(SELF, null);
            beat("gateway-3", 3);
            if (t == 0) {
                beat("gateway-2", 2);
                consumer.addRecord(new ConsumerRecord<>(HEARTBEATS.topic(), 0, offset++, "garbage", "{not json"));
            }
            long until = offset;
            await().atMost(Duration.ofSeconds(5)).until(() -> consumer.position(HEARTBEATS) >= until);
            if (t <= 5_000) {
                assertThat(cancelled).as("at %d ms", t).isEmpty();
            }
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> !cancelled.isEmpty());
        clock.addAndGet(1_000);
        beat(SELF, null);
        long until = offset;
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.position(HEARTBEATS) >= until);
        assertThat(cancelled).containsExactly("on-dead-gateway");
        assertThat(counted).hasValue(1);
        assertThat(sentBy).as("it beats itself").contains(SELF);
        assertThat(deadLettered).as("the unreadable record, once").containsExactly(3L);
    }

    private void beat(String instance, Integer partition) {
        consumer.addRecord(new ConsumerRecord<>(HEARTBEATS.topic(), 0, offset++, instance,
                Messages.toJson(new Heartbeat(Heartbeat.CURRENT_VERSION, instance, partition, clock.get()))));
    }
}
