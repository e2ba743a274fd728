package dev.llmplatform.bench;

import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Interactive time to first token while a Kafka-native batch job keeps the engine full behind it:
 * streamed completions one at a time (a lone user, HTTP's default priority 0), first on an idle platform,
 * then beside a batch job that keeps {@code --window} requests in flight (so the running batch is always
 * full and requests always wait), once at the batch default priority (left out: 10) and once with the
 * batch at priority 0 (what the platform did before priorities: first come, first served).
 *
 * <pre>
 * benchmarks/run.sh PriorityBench --interactive=60 --window=48 --batch-tokens=96
 * </pre>
 */
public final class PriorityBench {

    private PriorityBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int interactive = args.integer("interactive", 60);
        int gapMs = args.integer("gap-ms", 100);
        int window = args.integer("window", 48);
        int batchTokens = args.integer("batch-tokens", 96);
        System.out.println(Args.machineLine());
        Path data = BenchModels.tempDir("llm-platform-priority-");
        PlatformBench.Model model = PlatformBench.prepare(args.string("model", "small"), data.resolve("models"));
        try (InProcessPlatform platform = InProcessPlatform.start(data, model.seed(), Map.of("llm.inference.preload", model.name()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            measure(http, platform, model.name(), 20, 0);   // warm-up: JIT, connections, consumers
            System.out.printf("%n%s; interactive: %d streamed completions one at a time, %d ms apart, max_tokens 4, greedy;"
                            + " batch: Kafka-native, %d in flight, max_tokens %d, temperature 0.8%n",
                    model.name(), interactive, gapMs, window, batchTokens);
            System.out.println("| scenario | interactive TTFT p50 ms | p90 ms | p99 ms | batch completions/s | batch tokens/s |");
            System.out.println("|---|---|---|---|---|---|");
            lost = 0;
            row("idle platform", measure(http, platform, model.name(), interactive, gapMs), null);
            for (Integer batchPriority : new Integer[]{null, 0}) {
                try (BatchJob job = new BatchJob(platform.bootstrapServers(), model.name(), window, batchTokens, batchPriority)) {
                    job.start();
                    Thread.sleep(3000);   // the engine full and a queue behind it
                    lost = 0;
                    long[] ttft = measure(http, platform, model.name(), interactive, gapMs);
                    row(batchPriority == null ? "batch job behind it (batch default priority 10)"
                            : "batch job at priority 0 (first come, first served)", ttft, job);
                }
            }
        }
    }

    private static void row(String scenario, long[] ttft, BatchJob job) {
        System.out.printf("| %s%s | %d | %d | %d | %s | %s |%n", scenario, lost == 0 ? "" : " (" + lost + " lost)", percentile(ttft, 50), percentile(ttft, 90),
                percentile(ttft, 99), job == null ? "–" : String.format("%.1f", job.completionsPerSecond()),
                job == null ? "–" : String.format("%.0f", job.tokensPerSecond()));
    }

    /** Requests whose stream did not end within {@value #STREAM_TIMEOUT_S} s: left out of the percentiles, reported. */
    private static int lost;
    private static final int STREAM_TIMEOUT_S = 30;

    private static long[] measure(HttpClient http, InProcessPlatform platform, String model, int count, int gapMs)
            throws Exception {
        long[] ttft = new long[count];
        int measured = 0;
        for (int i = 0; i < count; i++) {
            Thread.sleep(gapMs);
            CompletableFuture<Long> one = CompletableFuture.supplyAsync(() -> {
                try {
                    return ttft(http, platform.baseUrl(), model);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                ttft[measured++] = one.get(STREAM_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                measured--;
                lost++;
                System.out.println("(a streamed request did not end within " + STREAM_TIMEOUT_S + " s; left out)");
            }
        }
        return Arrays.copyOf(ttft, measured);
    }

    /** Sends one streamed completion (no priority: the HTTP default) and reads it to the end; ms to its first chunk. */
    private static long ttft(HttpClient http, String baseUrl, String model) throws Exception {
        String body = "{\"model\":\"%s\",\"prompt\":\"The cat sat on the mat because it was\",\"max_tokens\":4,\"temperature\":0,\"stream\":true}"
                .formatted(model);
        long sent = System.nanoTime();
        HttpResponse<java.util.stream.Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofLines());
        long first = -1;
        for (Iterator<String> lines = response.body().iterator(); lines.hasNext(); ) {
            String line = lines.next();
            if (first < 0 && line.startsWith("data: {")) {
                first = System.nanoTime();
            }
        }
        if (response.statusCode() != 200 || first < 0) {
            throw new IllegalStateException("interactive request failed: HTTP " + response.statusCode());
        }
        return (first - sent) / 1_000_000;
    }

    /** A Kafka-native batch job keeping {@code window} requests in flight, each result answered by a new request. */
    private static final class BatchJob implements AutoCloseable {

        private final KafkaProducer<String, String> producer;
        private final KafkaConsumer<String, String> consumer;
        private final ReplyTo replyTo = new ReplyTo("priority-bench-" + UUID.randomUUID(), 0);
        private final String model;
        private final int window;
        private final int maxTokens;
        private final Integer priority;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong completions = new AtomicLong();
        private final AtomicLong tokens = new AtomicLong();
        private final AtomicLong answered = new AtomicLong();
        private final Thread thread = Thread.ofPlatform().name("priority-bench-batch").unstarted(this::run);
        private long startedNanos;
        private long stoppedNanos;
        private volatile long sent;

        BatchJob(String bootstrap, String model, int window, int maxTokens, Integer priority) {
            this.model = model;
            this.window = window;
            this.maxTokens = maxTokens;
            this.priority = priority;
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new StringSerializer());
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new StringDeserializer());
        }

        void start() {
            producer.send(new ProducerRecord<>(replyTo.topic(), "create", "{}"));   // the broker creates the topic
            producer.flush();
            consumer.assign(List.of(new TopicPartition(replyTo.topic(), 0)));
            consumer.seekToEnd(List.of(new TopicPartition(replyTo.topic(), 0)));
            consumer.position(new TopicPartition(replyTo.topic(), 0));
            thread.start();
        }

        private void run() {
            startedNanos = System.nanoTime();
            for (int i = 0; i < window; i++) {
                send();
            }
            long drainUntil = Long.MAX_VALUE;
            while (answered.get() < sent && System.nanoTime() < drainUntil) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    String value = record.value();
                    answered.incrementAndGet();
                    if (value.contains("\"type\":\"completed\"") && running.get()) {
                        completions.incrementAndGet();
                        int at = value.indexOf("\"completionTokens\":") + 19;
                        tokens.addAndGet(Long.parseLong(value.substring(at, value.indexOf('}', at)).trim()));
                    }
                    if (running.get()) {
                        send();
                    }
                }
                if (!running.get() && stoppedNanos == 0) {
                    stoppedNanos = System.nanoTime();   // rates cover the time the job ran at full speed
                    drainUntil = stoppedNanos + 120_000_000_000L;
                }
            }
        }

        private void send() {
            String id = "bench-batch-" + UUID.randomUUID();
            SamplingParams sampling = new SamplingParams(0.8, 1, 0, 0, 1, 0, 0, sent++, Map.of(), null);
            GenerationRequest request = new GenerationRequest(GenerationRequest.CURRENT_VERSION, id, model,
                    "Once upon a time", null, maxTokens, sampling, List.of(), false, replyTo,
                    System.currentTimeMillis(), 0, null, null, null, priority);
            producer.send(new ProducerRecord<>(Topics.GENERATION_REQUESTS.name(), id, Topics.GENERATION_REQUESTS.encode(request)));
        }

        double completionsPerSecond() {
            return completions.get() / seconds();
        }

        double tokensPerSecond() {
            return tokens.get() / seconds();
        }

        private double seconds() {
            return ((stoppedNanos == 0 ? System.nanoTime() : stoppedNanos) - startedNanos) / 1e9;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();   // what is still in flight is answered before the next scenario
            producer.close();
            consumer.close();
        }
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
