package dev.llmplatform.kafka.failover;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The failover defaults, their precedence, and the broker lookup they depend on. */
class FastFailoverTest {

    @Test
    void shouldUseAThreeSecondSessionWhenTheBrokerAllowsIt() {
        Map<String, Object> defaults = FastFailover.defaults(Map.of(), Duration.ofSeconds(1));

        assertThat(defaults).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 3000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500)
                .containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    }

    @Test
    void shouldFollowABrokerMinimumAboveThreeSecondsAndAssumeKafkasDefaultWhenUnknown() {
        assertThat(FastFailover.defaults(Map.of(), Duration.ofSeconds(10)))
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1666);
        assertThat(FastFailover.defaults(Map.of(), null)).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
    }

    @Test
    void shouldLeaveWhatTheServiceConfiguredItself() {
        Map<String, Object> defaults = FastFailover.defaults(Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 20_000,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"), Duration.ofSeconds(1));

        assertThat(defaults).as("the service's session, its heartbeat left to Kafka, no assignor under KIP-848").isEmpty();
    }

    @Test
    void shouldReadTheBrokersMinimumAndGiveUpWithinItsTimeoutWhenNoBrokerListens() throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty(FastFailover.BROKER_MINIMUM, "1000");
        broker.afterPropertiesSet();
        try {
            assertThat(FastFailover.brokerMinimum(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.getBrokersAsString(), ConsumerConfig.GROUP_ID_CONFIG, "ignored"), Duration.ofSeconds(5)))
                    .isEqualTo(Duration.ofSeconds(1));
        } finally {
            broker.destroy();
        }
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        long start = System.nanoTime();
        assertThat(FastFailover.brokerMinimum(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + freePort),
                Duration.ofSeconds(1))).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
