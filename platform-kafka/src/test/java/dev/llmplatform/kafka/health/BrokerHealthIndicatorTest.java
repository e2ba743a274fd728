package dev.llmplatform.kafka.health;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker check against a real in-process broker and against a port where none listens. */
class BrokerHealthIndicatorTest {

    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    private static final class ManualClock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T12:00:00Z"));

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    private final ManualClock clock = new ManualClock();

    @Test
    void shouldBeDownWithinItsTimeoutWhenNoBrokerListens() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + freePort);
        try (BrokerHealthIndicator indicator = new BrokerHealthIndicator(() -> config, TIMEOUT, Duration.ofSeconds(5), clock)) {
            long start = System.nanoTime();
            Health health = indicator.health();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("error").toString()).contains("not reachable within 1500 ms");
            // Bounded by the timeout (plus the guard and the client's set-up), never by Kafka's defaults of a minute.
            assertThat(took).isLessThan(TIMEOUT.multipliedBy(10));
        }
    }

    @Test
    void shouldBeUpWhenTheBrokerAnswersAndAskItAgainOnlyOnceTheCacheExpires() throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        AtomicInteger configReads = new AtomicInteger();
        try (BrokerHealthIndicator indicator = new BrokerHealthIndicator(() -> {
            configReads.incrementAndGet();
            return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        }, Duration.ofSeconds(3), Duration.ofSeconds(5), clock)) {
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("brokers", 1).containsKey("clusterId");

            broker.destroy();
            clock.advance(Duration.ofSeconds(4));
            assertThat(indicator.health()).as("cached for 5 s").isSameAs(health);

            clock.advance(Duration.ofSeconds(1));
            assertThat(indicator.health().getStatus()).as("asked again: the broker is gone").isEqualTo(Status.DOWN);
            assertThat(configReads).as("one Admin client, reused").hasValue(1);
        }
    }
}
