package dev.llmplatform.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One soak sample: this JVM's heap after a full GC, live threads and open file descriptors (the
 * platform's when it runs in process), the inference engine's load gauges scraped from its Prometheus
 * endpoint, and the summed consumer lag of every consumer group on the broker. A source that cannot
 * be read gives NaN (shown as "–"), never a failed soak.
 */
final class SoakSampler implements AutoCloseable {

    /** Prometheus names of the inference gauges (ModelMetrics), summed over models. */
    private static final Map<String, String> ENGINE = Map.of(
            "llm_active_sequences", "engine.running", "llm_waiting_requests", "engine.waiting",
            "llm_kv_cache_usage_ratio", "engine.kv.usage");

    private final boolean local;
    private final String prometheusUrl;
    private final Admin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param local         whether the platform runs in this JVM (heap, threads and fds are then its own)
     * @param prometheusUrl the inference service's {@code /actuator/prometheus}, or null
     * @param bootstrap     the broker, or null for no lag
     */
    SoakSampler(boolean local, String prometheusUrl, String bootstrap) {
        this.local = local;
        this.prometheusUrl = prometheusUrl;
        this.admin = bootstrap == null ? null : Admin.create(Map.of("bootstrap.servers", bootstrap,
                "request.timeout.ms", 10000, "default.api.timeout.ms", 15000));
    }

    Map<String, Double> sample() {
        Map<String, Double> v = new LinkedHashMap<>();
        if (local) {
            System.gc();
            v.put("heap.used.mb", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0);
            v.put("threads", (double) ManagementFactory.getThreadMXBean().getThreadCount());
            v.put("fds", ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                    ? (double) u.getOpenFileDescriptorCount() : Double.NaN);
        }
        v.putAll(engine());
        v.put("kafka.lag", lag());
        return v;
    }

    private Map<String, Double> engine() {
        Map<String, Double> out = new LinkedHashMap<>();
        // NaN until a line is found: a renamed gauge shows as "–", not as a reassuring 0.
        ENGINE.values().stream().sorted().forEach(k -> out.put(k, Double.NaN));
        if (prometheusUrl == null) {
            return out;
        }
        try {
            String text = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : text.split("\n")) {
                for (var e : ENGINE.entrySet()) {
                    if (line.startsWith(e.getKey() + "{") || line.startsWith(e.getKey() + " ")) {
                        out.merge(e.getValue(), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)),
                                (a, b) -> a.isNaN() ? b : a + b);
                    }
                }
            }
        } catch (Exception e) {
            out.replaceAll((k, x) -> Double.NaN);
        }
        return out;
    }

    /** Committed offsets of every group against the partitions' end offsets, summed (a group with none counts 0). */
    private double lag() {
        if (admin == null) {
            return Double.NaN;
        }
        try {
            long total = 0;
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(15, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.groupId())
                        .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                        .get(15, TimeUnit.SECONDS);
                for (var e : committed.entrySet()) {
                    if (e.getValue() != null && ends.containsKey(e.getKey())) {
                        total += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                    }
                }
            }
            return total;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
