package dev.llmplatform.bench;

import dev.llmplatform.contracts.binary.StepCodec;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Where the platform's time to first token goes: streamed completions one at a time (a gap between
 * them, as a lone user), each followed through the four topics it crosses by the first record's
 * timestamp on each (the producer's clock, this JVM's), plus the bare produce → consume latency of the
 * same broker with a plain producer and consumer, as the floor one Kafka hop costs.
 *
 * <pre>
 * benchmarks/run.sh HopLatency --requests=50 --gap-ms=100
 * </pre>
 */
public final class HopLatency {

    private static final String[] TOPICS = {Topics.GENERATION_REQUESTS.name(), Topics.INFERENCE_REQUESTS.name(),
            Topics.INFERENCE_TOKENS.name(), Topics.GENERATION_EVENTS.name()};
    private static final String[] HOPS = {
            "client sends → gateway publishes the request (HTTP, validation)",
            "→ tokenizer publishes the inference request (Kafka hop, chat/encode)",
            "→ inference publishes the first token (Kafka hop, admission, prefill, sampling)",
            "→ tokenizer publishes the first text (Kafka hop, detokenize)",
            "→ client reads the first SSE chunk (Kafka hop, gateway, HTTP)"};

    private HopLatency() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int requests = args.integer("requests", 50);
        int gapMs = args.integer("gap-ms", 100);
        System.out.println(Args.machineLine());
        Path data = BenchModels.tempDir("llm-platform-hops-");
        PlatformBench.Model model = PlatformBench.prepare("small", data.resolve("models"));
        try (InProcessPlatform platform = InProcessPlatform.start(data, model.seed(), Map.of("llm.inference.preload", model.name()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 20; i++) {
                firstChunk(http, platform.baseUrl(), model.name());   // warm-up: JIT, connections, consumers
            }
            List<long[]> client = new ArrayList<>();   // {sent, first chunk} in epoch ms
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                Thread.sleep(gapMs);
                long sent = System.currentTimeMillis();
                String id = firstChunk(http, platform.baseUrl(), model.name());
                client.add(new long[]{sent, firstChunkAt});
                ids.add(id);
            }
            Map<String, long[]> stamps = firstRecordTimes(platform.bootstrapServers());
            long[][] hops = new long[HOPS.length][requests];
            long[] ttft = new long[requests];
            for (int i = 0; i < requests; i++) {
                long[] t = stamps.get(ids.get(i));
                long[] c = client.get(i);
                long[] chain = {c[0], t[0], t[1], t[2], t[3], c[1]};
                for (int h = 0; h < HOPS.length; h++) {
                    hops[h][i] = chain[h + 1] - chain[h];
                }
                ttft[i] = c[1] - c[0];
            }
            System.out.printf("%n%s, %d streamed completions one at a time, %d ms apart, max_tokens 2, greedy%n",
                    model.name(), requests, gapMs);
            System.out.println("| step | p50 ms | p90 ms |");
            System.out.println("|---|---|---|");
            for (int h = 0; h < HOPS.length; h++) {
                System.out.printf("| %s | %d | %d |%n", HOPS[h], percentile(hops[h], 50), percentile(hops[h], 90));
            }
            System.out.printf("| **time to first token** | **%d** | **%d** |%n", percentile(ttft, 50), percentile(ttft, 90));
            long[] raw = bareHop(platform.bootstrapServers(), requests, gapMs);
            System.out.printf("| bare Kafka hop, same broker (plain producer → consumer, %d ms apart) | %.1f | %.1f |%n",
                    gapMs, raw[0] / 1000.0, raw[1] / 1000.0);
        }
    }

    private static long firstChunkAt;

    /** Sends one streamed completion, reads it to the end; returns its id and sets {@link #firstChunkAt}. */
    private static String firstChunk(HttpClient http, String baseUrl, String model) throws Exception {
        String body = "{\"model\":\"%s\",\"prompt\":\"The cat sat on the mat because it was\",\"max_tokens\":2,\"temperature\":0,\"stream\":true}"
                .formatted(model);
        HttpResponse<java.util.stream.Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofLines());
        String id = null;
        for (Iterator<String> lines = response.body().iterator(); lines.hasNext(); ) {
            String line = lines.next();
            if (id == null && line.startsWith("data: {")) {
                firstChunkAt = System.currentTimeMillis();
                int at = line.indexOf("\"id\":\"") + 6;
                id = line.substring(at, line.indexOf('"', at));
            }
        }
        return id;
    }

    /**
     * The timestamp of each request's first record on each of the four topics, keyed by request id; a step
     * record (token events, the token path's replies) counts for every request its header names.
     */
    private static Map<String, long[]> firstRecordTimes(String bootstrap) {
        Map<String, long[]> stamps = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = bytesConsumer(bootstrap)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : TOPICS) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < 2e9) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    quietSince = System.nanoTime();
                    List<String> ids = StepCodec.isBinary(record.value())
                            ? StepCodec.names(record.value()).stream().map(StepCodec.Named::requestId).toList()
                            : List.of(record.key());
                    for (String id : ids) {
                        long[] t = stamps.computeIfAbsent(id, k -> new long[TOPICS.length]);
                        int topic = Arrays.asList(TOPICS).indexOf(record.topic());
                        if (t[topic] == 0) {
                            t[topic] = record.timestamp();
                        }
                    }
                }
            }
        }
        return stamps;
    }

    /** p50 and p90 in microseconds of a plain producer's record reaching a plain consumer. */
    private static long[] bareHop(String bootstrap, int samples, int gapMs) throws Exception {
        String topic = Topics.GENERATION_CONTROL.name() + ".DLT";   // exists, and nothing reads it here
        Map<String, Object> config = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            long[] micros = new long[samples];
            for (int i = -20; i < samples; i++) {
                Thread.sleep(gapMs);
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, 0, "probe", "probe"));
                while (consumer.poll(Duration.ofSeconds(1)).isEmpty()) {
                    // until it arrives
                }
                if (i >= 0) {
                    micros[i] = (System.nanoTime() - t0) / 1000;
                }
            }
            return new long[]{percentile(micros, 50), percentile(micros, 90)};
        }
    }

    private static KafkaConsumer<String, byte[]> bytesConsumer(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
