package dev.llmplatform.launcher.tracing;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.binary.StepCodec;
import dev.llmplatform.launcher.PlatformTestAccess;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request is one trace: every record of a completion, on each of the four topics it crosses
 * (gateway → tokenizer → inference → tokenizer → gateway), carries a W3C {@code traceparent} header
 * with the same trace id, the caller's when the HTTP request brought one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneTraceEndToEndTest {

    private static final List<String> TOPICS = List.of(Topics.GENERATION_REQUESTS.name(), Topics.INFERENCE_REQUESTS.name(),
            Topics.INFERENCE_TOKENS.name(), Topics.GENERATION_EVENTS.name());

    private PlatformTestAccess platform;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startPlatform() {
        platform = PlatformTestAccess.start(Map.of());
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldCarryTheCallersTraceIdOnEveryRecordOfAStreamedCompletion() throws Exception {
        String traceId = randomHex(16);
        String traceparent = "00-" + traceId + "-" + randomHex(8) + "-01";
        HttpResponse<String> response = complete(true, traceparent);
        assertThat(response.statusCode()).isEqualTo(200);
        String firstChunk = response.body().lines().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow();
        String requestId = Messages.mapper().readTree(firstChunk.substring(6)).get("id").asString();

        Map<String, List<String>> traceIds = traceIdsByTopic(requestId);
        assertThat(traceIds).allSatisfy((topic, ids) ->
                assertThat(ids).as(topic).isNotEmpty().containsOnly(traceId));
    }

    @Test
    void shouldStartOneTraceInTheGatewayWhenTheCallerSendsNone() throws Exception {
        HttpResponse<String> response = complete(false, null);
        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = Messages.mapper().readTree(response.body()).get("id").asString();

        Map<String, List<String>> traceIds = traceIdsByTopic(requestId);
        String started = traceIds.get(Topics.GENERATION_REQUESTS.name()).getFirst();
        assertThat(started).isNotNull().matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
        assertThat(traceIds).allSatisfy((topic, ids) -> assertThat(ids).as(topic).isNotEmpty().containsOnly(started));
    }

    private HttpResponse<String> complete(boolean stream, String traceparent) throws IOException, InterruptedException {
        String body = """
                {"model":"%s","prompt":"Once upon a time","max_tokens":8,"temperature":0,"stream":%s}"""
                .formatted(DefaultModels.DEFAULT_MODEL, stream);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/v1/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The trace id of each record keyed by the request id, per topic (null where a record has no
     * traceparent), read from the start of every partition until the last token event and the last
     * generation event of the request are in. A step record (token events, and the token path's replies)
     * carries each request's event with its own trace context: each such event counts as a record here.
     */
    private Map<String, List<String>> traceIdsByTopic(String requestId) {
        Map<String, List<String>> traceIds = new LinkedHashMap<>();
        TOPICS.forEach(topic -> traceIds.put(topic, new ArrayList<>()));
        boolean lastToken = false;
        boolean lastEvent = false;
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(lastToken && lastEvent) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(Topics.INFERENCE_TOKENS.name())) {
                        for (TokenStep.Item item : StepCodec.decodeTokenStep(record.value()).items()) {
                            if (requestId.equals(item.event().requestId())) {
                                traceIds.get(record.topic()).add(traceId(item.traceparent()));
                                lastToken |= item.event().isLast();
                            }
                        }
                    } else if (record.topic().equals(Topics.GENERATION_EVENTS.name()) && StepCodec.isBinary(record.value())) {
                        for (ReplyStep.Item item : StepCodec.decodeReplyStep(record.value()).items()) {
                            if (requestId.equals(item.event().requestId())) {
                                traceIds.get(record.topic()).add(traceId(item.traceparent()));
                                lastEvent |= item.event().isTerminal();
                            }
                        }
                    } else if (requestId.equals(record.key())) {
                        traceIds.get(record.topic()).add(traceId(record));
                        if (record.topic().equals(Topics.GENERATION_EVENTS.name())) {
                            lastEvent |= !(Messages.fromJson(new String(record.value(), StandardCharsets.UTF_8),
                                    GenerationEvent.class) instanceof GenerationEvent.Delta);
                        }
                    }
                }
            }
        }
        assertThat(lastToken && lastEvent).as("the request's last token and generation events were read").isTrue();
        return traceIds;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.platform().bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = TOPICS.stream().flatMap(topic -> consumer.partitionsFor(topic).stream())
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static String traceId(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader("traceparent");
        return header == null ? null : traceId(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static String traceId(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        String[] fields = traceparent.split("-");
        return fields.length == 4 ? fields[1] : "malformed: " + String.join("-", fields);
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
