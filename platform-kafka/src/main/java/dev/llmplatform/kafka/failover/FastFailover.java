package dev.llmplatform.kafka.failover;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The consumer-group settings that make a dead replica's partitions move in seconds instead of Kafka's
 * default 45 s: the classic group protocol with a short session ({@link #SESSION_TIMEOUT}, heartbeats every
 * sixth of it) and the cooperative-sticky assignor, so a rebalance moves only the dead member's partitions
 * and the survivors keep consuming theirs. Every setting is a default: a key the service configures itself
 * ({@code spring.kafka.consumer.properties.*}) wins.
 *
 * <p>The broker refuses a session shorter than its {@code group.min.session.timeout.ms} (Kafka's default:
 * 6 s), and a consumer refused that way never joins. So the broker's minimum is read once at start-up and,
 * when it is above {@link #SESSION_TIMEOUT}, used instead (with a warning: failover takes that long); when
 * the broker cannot be asked, Kafka's default minimum is assumed.
 */
public final class FastFailover {

    private static final Logger log = LoggerFactory.getLogger(FastFailover.class);

    /** How long a silent member stays in its group: the bound on detecting a SIGKILLed replica. */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);
    /** What the broker allows when it cannot be asked: Kafka's default {@code group.min.session.timeout.ms}. */
    static final Duration KAFKA_DEFAULT_MINIMUM = Duration.ofSeconds(6);
    static final String BROKER_MINIMUM = "group.min.session.timeout.ms";

    private FastFailover() {
    }

    /**
     * The defaults to add to a consumer configuration, given the broker's minimum session timeout
     * (null when unknown). Keys already in {@code configured} are left out.
     */
    public static Map<String, Object> defaults(Map<String, Object> configured, Duration brokerMinimum) {
        Map<String, Object> defaults = new HashMap<>();
        Duration floor = brokerMinimum != null ? brokerMinimum : KAFKA_DEFAULT_MINIMUM;
        Duration session = SESSION_TIMEOUT.compareTo(floor) >= 0 ? SESSION_TIMEOUT : floor;
        if (!configured.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
            defaults.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) session.toMillis());
            if (!configured.containsKey(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)) {
                // Six heartbeats per session (Kafka asks for at least three): a lost one or two evict nobody, and a
                // survivor learns of a rebalance at its next heartbeat, so sooner with more of them.
                defaults.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) session.toMillis() / 6);
            }
        }
        if (!configured.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)
                && !configured.containsKey(ConsumerConfig.GROUP_PROTOCOL_CONFIG)) {
            defaults.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        return defaults;
    }

    /** The broker's {@code group.min.session.timeout.ms}, or null when it does not answer within {@code timeout}. */
    public static Duration brokerMinimum(Map<String, Object> clientConfig, Duration timeout) {
        Map<String, Object> adminConfig = new HashMap<>();
        clientConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                adminConfig.put(key, value);
            }
        });
        int ms = (int) timeout.toMillis();
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        try (Admin admin = Admin.create(adminConfig)) {
            List<Node> nodes = List.copyOf(admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms))
                    .nodes().get(ms + 500L, TimeUnit.MILLISECONDS));
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(nodes.getFirst().id()));
            Config config = admin.describeConfigs(List.of(broker), new DescribeConfigsOptions().timeoutMs(ms))
                    .all().get(ms + 500L, TimeUnit.MILLISECONDS).get(broker);
            ConfigEntry entry = config.get(BROKER_MINIMUM);
            return entry == null || entry.value() == null ? null : Duration.ofMillis(Long.parseLong(entry.value()));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("could not read the broker's {} ({}); assuming Kafka's default of {} s: a dead replica is "
                    + "noticed within that", BROKER_MINIMUM, e.toString(), KAFKA_DEFAULT_MINIMUM.toSeconds());
            return null;
        }
    }

    /** Logs what a broker minimum above our session timeout costs, once per service. */
    static void warnIfSlow(Duration brokerMinimum) {
        if (brokerMinimum != null && brokerMinimum.compareTo(SESSION_TIMEOUT) > 0) {
            log.warn("the broker's {} is {} ms: a dead replica's partitions move after that long, not after {} s; "
                    + "set it to {} or less on the brokers for faster failover (docs/architecture.md)",
                    BROKER_MINIMUM, brokerMinimum.toMillis(), SESSION_TIMEOUT.toSeconds(), SESSION_TIMEOUT.toMillis());
        }
    }
}
