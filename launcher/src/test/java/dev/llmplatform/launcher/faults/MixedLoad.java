package dev.llmplatform.launcher.faults;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.launcher.models.DefaultModels;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A steady mixed load of seeded requests whose answers a fault must not change: streamed and whole completions
 * and chat completions over HTTP (some with stop strings, some with {@code n} = 2), one stream its client drops
 * after the first chunk (a cancel), and a Kafka-native batch job. The same load run undisturbed gives the texts
 * every answer must equal.
 */
final class MixedLoad {

    static final int HTTP_REQUESTS = 24;
    static final int BATCH_REQUESTS = 12;
    private static final String[] PROMPTS = {"Once upon a time", "The little cat", "She said", "猫", "In the morning",
            "The king and the queen"};
    private static final int MAX_TOKENS = 100;

    /** One HTTP answer: text per choice, or the error that ended it; arrival times of its chunks (streams). */
    record Answer(int index, boolean stream, Map<Integer, String> texts, String errorCode, List<Long> chunkNanos,
                  boolean complete) {
        /** The longest wait between two chunks (or before the first), in ms. */
        double maxGapMs(long startNanos) {
            long previous = startNanos;
            long max = 0;
            for (long t : chunkNanos) {
                max = Math.max(max, t - previous);
                previous = t;
            }
            return max / 1e6;
        }
    }

    /** What one run of the load returned. */
    record Outcome(Map<Integer, Answer> answers, Map<Integer, Long> starts, Map<String, String> batchTexts,
                   int batchDuplicates, int batchResultsSeen, boolean cancelledStreamStarted) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final String bootstrap;
    private final AtomicInteger firstChunks = new AtomicInteger();

    MixedLoad(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Streams that have shown their first chunk, in the run going on. */
    int streamsStarted() {
        return firstChunks.get();
    }

    /** The body of HTTP request {@code i}: a mix of endpoints and options, each seeded. */
    static String body(int i) {
        String prompt = PROMPTS[i % PROMPTS.length];
        boolean stream = i % 4 != 3;
        boolean chat = i % 3 == 1;
        StringBuilder b = new StringBuilder("{\"model\":\"").append(DefaultModels.DEFAULT_MODEL).append('"');
        if (chat) {
            b.append(",\"messages\":[{\"role\":\"user\",\"content\":\"").append(prompt).append("\"}]");
        } else {
            b.append(",\"prompt\":\"").append(prompt).append('"');
        }
        b.append(",\"max_tokens\":").append(MAX_TOKENS).append(",\"temperature\":0.8,\"seed\":").append(1000 + i);
        if (i % 5 == 2) {
            b.append(",\"stop\":[\"the \"]");
        }
        if (i % 4 == 2) {
            b.append(",\"n\":2");
        }
        return b.append(",\"stream\":").append(stream).append('}').toString();
    }

    static String path(int i) {
        return i % 3 == 1 ? "/v1/chat/completions" : "/v1/completions";
    }

    /**
     * Runs the load against the given gateways (request i goes to gateway i mod count), the batch job
     * beside it, and one stream dropped after its first chunk; returns when every answer is in or {@code timeout} passed.
     */
    Outcome run(List<String> gateways, Duration timeout) {
        firstChunks.set(0);
        Map<Integer, Long> starts = new ConcurrentHashMap<>();
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < HTTP_REQUESTS; i++) {
            int index = i;
            String gateway = gateways.get(i % gateways.size());
            starts.put(i, System.nanoTime());
            answers.add(CompletableFuture.supplyAsync(() -> send(gateway, index), Executors.newVirtualThreadPerTaskExecutor()));
        }
        CompletableFuture<Boolean> cancelled = CompletableFuture.supplyAsync(() -> dropAfterFirstChunk(gateways.getFirst()),
                Executors.newVirtualThreadPerTaskExecutor());
        BatchJob batch = new BatchJob();
        batch.produce();
        Map<Integer, Answer> done = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<Answer> future : answers) {
            try {
                Answer answer = future.get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                done.put(answer.index(), answer);
            } catch (Exception e) {
                // Missing from the map: counted as lost by the caller.
            }
        }
        batch.collect(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        return new Outcome(done, starts, batch.texts, batch.duplicates, batch.seen, cancelled.getNow(false));
    }

    private Answer send(String gateway, int index) {
        String body = body(index);
        boolean stream = index % 4 != 3;
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + path(index)))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Map<Integer, StringBuilder> texts = new HashMap<>();
        List<Long> chunks = new ArrayList<>();
        try {
            if (!stream) {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                JsonNode json = Messages.mapper().readTree(response.body());
                if (response.statusCode() != 200) {
                    return new Answer(index, false, Map.of(), json.path("error").path("code").asString("http_" + response.statusCode()), chunks, true);
                }
                for (JsonNode choice : json.path("choices")) {
                    texts.put(choice.path("index").asInt(), new StringBuilder(choiceText(choice)));
                }
                return new Answer(index, false, finish(texts), null, chunks, true);
            }
            HttpResponse<java.util.stream.Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            boolean first = true;
            for (Iterator<String> lines = response.body().iterator(); lines.hasNext(); ) {
                String line = lines.next();
                if (!line.startsWith("data:")) {
                    continue;
                }
                String data = line.substring(5).strip();
                chunks.add(System.nanoTime());
                if (data.equals("[DONE]")) {
                    return new Answer(index, true, finish(texts), null, chunks, true);
                }
                JsonNode json = Messages.mapper().readTree(data);
                if (json.has("error")) {
                    return new Answer(index, true, finish(texts), json.path("error").path("code").asString("error"), chunks, true);
                }
                if (first) {
                    firstChunks.incrementAndGet();
                    first = false;
                }
                for (JsonNode choice : json.path("choices")) {
                    texts.computeIfAbsent(choice.path("index").asInt(), k -> new StringBuilder()).append(choiceText(choice));
                }
            }
            return new Answer(index, true, finish(texts), null, chunks, false);   // ended without [DONE]
        } catch (IOException | java.io.UncheckedIOException e) {
            // The streaming body's line iterator wraps a dropped connection in an UncheckedIOException.
            return new Answer(index, stream, finish(texts), "connection: " + e.getMessage(), chunks, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String choiceText(JsonNode choice) {
        if (choice.has("text")) {
            return choice.path("text").asString("");
        }
        JsonNode message = choice.has("delta") ? choice.path("delta") : choice.path("message");
        return message.path("content").isString() ? message.path("content").asString() : "";
    }

    private static Map<Integer, String> finish(Map<Integer, StringBuilder> texts) {
        return texts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString()));
    }

    /** A client that reads one chunk and vanishes: the gateway must cancel its generation. */
    private static boolean dropAfterFirstChunk(String gateway) {
        URI uri = URI.create(gateway);
        byte[] body = ("{\"model\":\"" + DefaultModels.DEFAULT_MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":"
                + MAX_TOKENS + ",\"stream\":true,\"temperature\":0}").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String seen = "";
            byte[] buffer = new byte[4096];
            while (!seen.contains("data:")) {
                int n = in.read(buffer);
                if (n < 0) {
                    return false;
                }
                seen += new String(buffer, 0, n, StandardCharsets.UTF_8);
            }
            socket.setSoLinger(true, 0);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The Kafka-native batch job: requests straight onto the topic, results on a reply topic of its own. */
    private final class BatchJob {
        final ReplyTo replyTo = new ReplyTo("fault-batch-" + UUID.randomUUID(), 0);
        final Map<String, String> ids = new HashMap<>();   // request id → batch key "b<i>"
        final Map<String, String> texts = new HashMap<>();
        int duplicates;
        int seen;

        void produce() {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap, ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < BATCH_REQUESTS; i++) {
                    String id = "b" + i + "-" + UUID.randomUUID();
                    ids.put(id, "b" + i);
                    SamplingParams sampling = new SamplingParams(0.8, 1.0, 0, 0.0, 1.0, 0.0, 0.0, 2000L + i, Map.of(), null);
                    GenerationRequest request = new GenerationRequest(GenerationRequest.CURRENT_VERSION, id,
                            DefaultModels.DEFAULT_MODEL, PROMPTS[i % PROMPTS.length], null, MAX_TOKENS, sampling,
                            i % 3 == 0 ? List.of("the ") : List.of(), false, replyTo, System.currentTimeMillis(), 0, null);
                    producer.send(new ProducerRecord<>(dev.llmplatform.topics.Topics.GENERATION_REQUESTS.name(), id,
                            Messages.toJson(request)));
                }
            }
        }

        /** Reads results until each request has one (the first per id counts; repeats are counted and dropped). */
        void collect(Duration timeout) {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "fault-batch-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
                consumer.assign(List.of(new TopicPartition(replyTo.topic(), replyTo.partition())));
                long deadline = System.nanoTime() + timeout.toNanos();
                while (texts.size() < BATCH_REQUESTS && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                        seen++;
                        GenerationEvent event = Messages.fromJson(record.value(), GenerationEvent.class);
                        String key = ids.get(record.key());
                        String text = event instanceof GenerationEvent.Completed c ? c.text()
                                : "failed: " + ((GenerationEvent.Failed) event).error().code();
                        if (texts.putIfAbsent(key, text) != null) {
                            duplicates++;
                        }
                    }
                }
            }
        }
    }
}
