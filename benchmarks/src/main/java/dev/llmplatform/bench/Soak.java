package dev.llmplatform.bench;

import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak: {@code --minutes} of mixed load ({@link SoakLoad}: streamed and non-streamed completions and
 * chats, stop strings, {@code n} = 2, clients that hang up mid-stream, bad requests; and every
 * {@code --batch-every-seconds} a small Kafka-native batch job), sampled every {@code --sample-seconds}
 * ({@link SoakSampler}); then {@code --cooldown-seconds} with no load and a last sample. Reports the
 * per-sample table and whether heap after GC, threads, fds, the engine's sequences and KV use and the
 * consumer lag came back to their pre-load baseline ({@link SoakReport}), as markdown and JSON.
 *
 * <pre>
 * ./mvnw -B -o -q -pl launcher compile
 * benchmarks/run.sh Soak --minutes=30 --clients=4 --out=target/soak
 * benchmarks/run.sh Soak --base-url=http://host:8080 --prometheus-url=http://host:8082/actuator/prometheus --bootstrap=host:9092
 * </pre>
 * In-process (the default) heap, threads and fds are those of the JVM that runs the platform (and the
 * few load clients, virtual threads); against {@code --base-url} they are left out.
 */
public final class Soak {

    /** What must come back: heap within 25 % or 32 MB, threads within 10 %/8, fds within 10 %/16, the rest to 0 (± tiny). */
    static final Map<String, SoakReport.Tolerance> WATCHED = watched();

    private Soak() {
    }

    private static Map<String, SoakReport.Tolerance> watched() {
        Map<String, SoakReport.Tolerance> m = new LinkedHashMap<>();
        m.put("heap.used.mb", new SoakReport.Tolerance(32, 0.25));
        m.put("threads", new SoakReport.Tolerance(8, 0.10));
        m.put("fds", new SoakReport.Tolerance(16, 0.10));
        m.put("engine.running", new SoakReport.Tolerance(0, 0));
        m.put("engine.waiting", new SoakReport.Tolerance(0, 0));
        m.put("engine.kv.usage", new SoakReport.Tolerance(0.001, 0));
        m.put("kafka.lag", new SoakReport.Tolerance(0, 0));
        return m;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        double minutes = args.decimal("minutes", 30);
        int sampleSeconds = args.integer("sample-seconds", 60);
        int cooldown = args.integer("cooldown-seconds", 60);
        int clients = args.integer("clients", 4);
        int batchEvery = args.integer("batch-every-seconds", 120);
        int maxTokens = args.integer("max-tokens", 48);
        String model = args.string("model", "starter");
        Path out = Path.of(args.string("out", "benchmarks/target/soak"));
        System.out.println(Args.machineLine());

        InProcessPlatform platform = null;
        String baseUrl = args.string("base-url", null);
        String prometheus = args.string("prometheus-url", null);
        String bootstrap = args.string("bootstrap", null);
        if (baseUrl == null) {
            Path data = BenchModels.tempDir("llm-platform-soak-");
            long t0 = System.nanoTime();
            platform = InProcessPlatform.start(data, Path.of(args.string("models", "models")),
                    Map.of("llm.inference.preload", model, "llm.inference.device", "cpu"));
            baseUrl = platform.baseUrl();
            prometheus = "http://127.0.0.1:" + platform.port("inference") + "/actuator/prometheus";
            bootstrap = platform.bootstrapServers();
            System.out.printf("platform up in %.1f s at %s%n", (System.nanoTime() - t0) / 1e9, baseUrl);
        }
        SoakReport report = new SoakReport(WATCHED);
        SoakLoad load = new SoakLoad(baseUrl, model, maxTokens);
        try (SoakSampler sampler = new SoakSampler(platform != null, prometheus, bootstrap);
             BatchJob batch = bootstrap == null ? null : new BatchJob(bootstrap, model)) {
            // Warm-up, so the baseline has the JIT, connections and consumers of a platform that has served.
            List<Thread> warm = load.start(2, 1);
            Thread.sleep(20_000);
            load.stop();
            for (Thread t : warm) {
                t.join();
            }
            Thread.sleep(10_000);
            report.add(new SoakReport.Sample(0, "baseline", sampler.sample()));
            System.out.println("baseline " + report.samples().getLast().values() + " warm-up " + load.counts());

            load = new SoakLoad(baseUrl, model, maxTokens);
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            List<Thread> threads = load.start(clients, 20261206);
            long nextSample = start + sampleSeconds * 1_000_000_000L;
            long nextBatch = start;
            while (System.nanoTime() < end) {
                if (batch != null && System.nanoTime() >= nextBatch) {
                    batch.submit(8, maxTokens);
                    nextBatch += batchEvery * 1_000_000_000L;
                }
                if (System.nanoTime() >= nextSample) {
                    sample(report, sampler, load, batch, "load", start);
                    nextSample += sampleSeconds * 1_000_000_000L;
                }
                Thread.sleep(200);
            }
            load.stop();
            for (Thread t : threads) {
                t.join(Duration.ofMinutes(4));
            }
            sample(report, sampler, load, batch, "load stopped", start);
            Thread.sleep(cooldown * 1000L);
            sample(report, sampler, load, batch, "end", start);

            String md = report.markdown() + "\nrequests: " + load.counts()
                    + (batch == null ? "" : "\nbatch: " + batch.summary())
                    + (load.lastError().isEmpty() ? "" : "\nlast unexpected: " + load.lastError()) + "\n";
            Files.createDirectories(out);
            Files.writeString(out.resolve("soak.md"), md);
            Files.writeString(out.resolve("soak.json"), report.json());
            System.out.println();
            System.out.println(md);
            System.out.println(report.allReturned() ? "every watched metric returned to its baseline"
                    : "SOME METRICS DID NOT RETURN TO THEIR BASELINE");
            System.out.println("written " + out.resolve("soak.md") + " and " + out.resolve("soak.json"));
        } finally {
            if (platform != null) {
                platform.close();
            }
        }
        System.exit(0);
    }

    private static void sample(SoakReport report, SoakSampler sampler, SoakLoad load, BatchJob batch, String phase, long start) {
        Map<String, Double> v = sampler.sample();
        Map<String, Long> counts = load.counts();
        v.put("req.ok", (double) sum(counts, ".ok"));
        v.put("req.busy", (double) sum(counts, ".busy"));
        v.put("req.unexpected", (double) sum(counts, ".unexpected"));
        if (batch != null) {
            v.put("batch.results", (double) batch.results.get());
            v.put("batch.sent", (double) batch.sent.get());
        }
        long seconds = Math.round((System.nanoTime() - start) / 1e9);
        report.add(new SoakReport.Sample(seconds, phase, v));
        System.out.printf("t=%ds %s %s | load %s%n", seconds, phase, v, Args.loadAverage());
    }

    private static long sum(Map<String, Long> counts, String suffix) {
        return counts.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).mapToLong(Map.Entry::getValue).sum();
    }

    /** A Kafka-native batch job as docs/batch.md describes it: requests on the topic, one result each on our own. */
    static final class BatchJob implements AutoCloseable {
        private static final String REPLY = "soak.batch.results";
        private final KafkaProducer<String, String> producer;
        private final Thread reader;
        private final String model;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong results = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong duplicates = new AtomicLong();
        private final Set<String> seen = ConcurrentHashMap.newKeySet();
        private volatile boolean open = true;

        BatchJob(String bootstrap, String model) throws Exception {
            this.model = model;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic(REPLY, 1, (short) 1))).all().get();
            } catch (java.util.concurrent.ExecutionException e) {
                // already there (a second run against the same broker)
            }
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer());
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "group.id", "soak-batch-" + System.nanoTime(), "auto.offset.reset", "latest"),
                    new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(REPLY));
            reader = Thread.ofPlatform().daemon().name("soak-batch-reader").start(() -> {
                try (consumer) {
                    while (open) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                            if (!seen.add(r.key())) {
                                duplicates.incrementAndGet();
                            } else {
                                results.incrementAndGet();
                                if (!r.value().contains("\"completed\"")) {
                                    failed.incrementAndGet();
                                }
                            }
                        }
                    }
                }
            });
        }

        void submit(int requests, int maxTokens) {
            for (int i = 0; i < requests; i++) {
                String id = "soak-batch-" + sent.incrementAndGet();
                String json = String.format("{\"schemaVersion\":1,\"requestId\":\"%s\",\"model\":\"%s\",\"prompt\":\"Once upon a time\","
                        + "\"maxTokens\":%d,\"stop\":[\".\"],\"stream\":false,\"replyTo\":{\"topic\":\"%s\",\"partition\":0},"
                        + "\"createdEpochMs\":%d,\"deadlineEpochMs\":0}", id, model, maxTokens, REPLY, System.currentTimeMillis());
                producer.send(new ProducerRecord<>(Topics.GENERATION_REQUESTS.name(), id, json));
            }
            producer.flush();
        }

        String summary() {
            return String.format("sent %d, results %d (not completed %d), duplicates dropped %d", sent.get(), results.get(),
                    failed.get(), duplicates.get());
        }

        @Override
        public void close() throws Exception {
            open = false;
            reader.join(5000);
            producer.close(Duration.ofSeconds(5));
        }
    }
}
