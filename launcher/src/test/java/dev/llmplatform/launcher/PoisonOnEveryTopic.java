package dev.llmplatform.launcher;

import dev.llmplatform.kafka.DeadLetters;
import dev.llmplatform.launcher.PoisonRecords.Poison;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.topics.TopicSpec;
import dev.llmplatform.topics.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.sessions.JqwikSession;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.support.KafkaHeaders;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Poison on every topic a service consumes, against a running platform: records drawn from
 * {@link PoisonRecords} with a fixed seed (jqwik's generators, so a new topic or record kind is
 * attacked without a change here). Each must land on its topic's dead-letter topic once for every
 * consumer group that read it, be counted in {@value DeadLetters#COUNTER} by the service that sent it
 * there, and leave the platform serving: a completion, which passes every generation topic's consumer,
 * succeeds after each one. Runs inside a test class that already started a platform, so it costs no
 * start of its own.
 */
final class PoisonOnEveryTopic {

    static final long SEED = 20261206L;

    /** The topics services consume; the reply topic only on the partition the gateway owns. */
    static final List<TopicSpec> CONSUMED = List.of(Topics.GENERATION_REQUESTS, Topics.INFERENCE_REQUESTS,
            Topics.INFERENCE_TOKENS, Topics.GENERATION_EVENTS, Topics.GENERATION_CONTROL, Topics.TOKENIZER_REQUESTS,
            Topics.TRAINING_JOBS, Topics.TRAINING_EVENTS, Topics.MODELS, Topics.INFERENCE_ANALYSIS);
    private static final List<String> SERVICES = List.of("gateway", "tokenizer", "inference", "training");

    private final PlatformUnderTest platform;
    /** Dead letters seen: key → original consumer group → how many times. */
    private final Map<String, Map<String, Integer>> seen = new HashMap<>();
    private final Map<String, Integer> seenPerTopic = new HashMap<>();
    /** What was sent, per topic and kind, for the report. */
    final Map<String, Integer> sent = new TreeMap<>();

    PoisonOnEveryTopic(PlatformUnderTest platform) {
        this.platform = platform;
    }

    /** Sends {@code records} poison records, each checked before the next; fails on the first that is not handled. */
    void run(int records) throws Exception {
        List<Map.Entry<TopicSpec, Poison>> draws = draw(records);
        String bootstrap = platform.platform.bootstrapServers();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer());
             var deadLetters = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                     "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            deadLetters.assign(CONSUMED.stream().map(t -> new TopicPartition(t.deadLetter(), 0)).toList());
            for (int i = 0; i < draws.size(); i++) {
                TopicSpec topic = draws.get(i).getKey();
                Poison poison = draws.get(i).getValue();
                sendAndCheck(producer, deadLetters, topic, poison, "poison-" + i);
                sent.merge(topic.name() + " / " + poison.how().replaceAll(" -?\\d+$", ""), 1, Integer::sum);
            }
        }
    }

    /** Every topic once, then topics drawn; each with a record drawn for it, all from one seeded jqwik session. */
    private static List<Map.Entry<TopicSpec, Poison>> draw(int records) {
        List<Map.Entry<TopicSpec, Poison>> draws = new java.util.ArrayList<>();
        JqwikSession.run(String.valueOf(SEED), () -> {
            Arbitrary<TopicSpec> topics = Arbitraries.of(CONSUMED);
            for (int i = 0; i < records; i++) {
                TopicSpec topic = i < CONSUMED.size() ? CONSUMED.get(i) : topics.sample();
                draws.add(Map.entry(topic, PoisonRecords.forTopic(topic).sample()));
            }
        });
        return draws;
    }

    private void sendAndCheck(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, String> deadLetters,
                              TopicSpec topic, Poison poison, String key) throws Exception {
        // The gateway reads only its own partition of the reply topic.
        Integer partition = topic.equals(Topics.GENERATION_EVENTS) ? 0 : null;
        producer.send(new ProducerRecord<>(topic.name(), partition, key, poison.value())).get();

        await("dead letter of " + poison + " on " + topic.name()).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ZERO).until(() -> {
                    read(deadLetters);
                    return seen.containsKey(key);
                });
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            read(deadLetters);
            assertThat((int) counted(topic)).as("%s dead letters counted", topic.name())
                    .isEqualTo(seenPerTopic.getOrDefault(topic.name(), 0));
        });
        seen.forEach((k, groups) -> groups.forEach((group, times) ->
                assertThat(times).as("dead letters of %s from group %s", k, group).isEqualTo(1)));

        HttpResponse<String> completion = platform.post("/v1/completions", "{\"model\":\"" + DefaultModels.DEFAULT_MODEL
                + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":2}");
        assertThat(completion.statusCode()).as("a completion after %s on %s: %s", poison, topic.name(), completion.body())
                .isEqualTo(200);
    }

    private void read(KafkaConsumer<String, String> deadLetters) {
        for (ConsumerRecord<String, String> record : deadLetters.poll(Duration.ofMillis(100))) {
            Header group = record.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP);
            String groupName = group == null ? "(assigned by hand)" : new String(group.value(), StandardCharsets.UTF_8);
            seen.computeIfAbsent(record.key(), k -> new HashMap<>()).merge(groupName, 1, Integer::sum);
            seenPerTopic.merge(record.topic().substring(0, record.topic().length() - Topics.DEAD_LETTER_SUFFIX.length()),
                    1, Integer::sum);
        }
    }

    /** Dead letters of {@code topic} counted by every service together (one JVM, one registry per service). */
    private double counted(TopicSpec topic) {
        double total = 0;
        for (String service : SERVICES) {
            Counter counter = platform.platform.context(service).getBean(MeterRegistry.class)
                    .find(DeadLetters.COUNTER).tag("topic", topic.name()).counter();
            total += counter == null ? 0 : counter.count();
        }
        return total;
    }
}
