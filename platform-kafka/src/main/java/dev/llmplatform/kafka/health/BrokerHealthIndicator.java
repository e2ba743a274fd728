package dev.llmplatform.kafka.health;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Whether the broker answers: one {@code describeCluster} through a Kafka {@link Admin}, bounded by
 * {@code timeout}, its answer kept for {@code cacheFor} so that probes (every few seconds, per pod and
 * per probe kind) do not hammer the cluster. UP with the cluster id and broker count; DOWN with the error.
 * The one implementation every service's readiness uses.
 */
public final class BrokerHealthIndicator implements HealthIndicator, AutoCloseable {

    private final Supplier<Map<String, Object>> adminConfig;
    private final Duration timeout;
    private final Duration cacheFor;
    private final InstantSource clock;
    private Admin admin;
    private Health cached;
    private Instant cachedAt;

    /** @param adminConfig the Admin client's configuration (bootstrap servers, security), read on first check */
    public BrokerHealthIndicator(Supplier<Map<String, Object>> adminConfig, Duration timeout, Duration cacheFor,
                                 InstantSource clock) {
        this.adminConfig = adminConfig;
        this.timeout = timeout;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    @Override
    public synchronized Health health() {
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(cachedAt.plus(cacheFor))) {
            cached = check();
            cachedAt = clock.instant();
        }
        return cached;
    }

    private Health check() {
        try {
            if (admin == null) {
                admin = Admin.create(adminConfig.get());
            }
            DescribeClusterResult cluster = admin.describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            long waitMs = timeout.toMillis() + 500;   // the options' timeout ends the call; this only guards it
            String clusterId = cluster.clusterId().get(waitMs, TimeUnit.MILLISECONDS);
            int brokers = cluster.nodes().get(waitMs, TimeUnit.MILLISECONDS).size();
            return Health.up().withDetail("clusterId", clusterId).withDetail("brokers", brokers).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(e);
        } catch (ExecutionException e) {
            return down(e.getCause());
        } catch (Exception e) {   // a timeout, or a configuration the Admin refuses (unresolvable bootstrap)
            return down(e);
        }
    }

    private Health down(Throwable e) {
        return Health.down().withDetail("error", "broker not reachable within " + timeout.toMillis() + " ms: "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())).build();
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }
}
