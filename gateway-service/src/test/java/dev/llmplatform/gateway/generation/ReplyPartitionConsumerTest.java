package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.contracts.binary.StepCodec;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reply partition's records as the consumer thread reads them: a step record's events go onto each
 * request's stream; an unreadable step record is dead-lettered as it came and fails exactly the requests
 * its header names; JSON records (what other writers send) still route one event each.
 */
class ReplyPartitionConsumerTest {

    private static final TopicPartition PARTITION = new TopicPartition(Topics.GENERATION_EVENTS.name(), 2);

    private final MockConsumer<String, byte[]> kafka = new MockConsumer<>("earliest");
    private final ReplyRouter router = new ReplyRouter();
    private final List<ConsumerRecord<?, ?>> deadLettered = new CopyOnWriteArrayList<>();
    private final ReplyPartitionConsumer consumer = new ReplyPartitionConsumer(kafka, PARTITION, router,
            (record, error) -> deadLettered.add(record));
    private long offset;

    @AfterEach
    void stop() {
        consumer.close();
    }

    @Test
    void shouldUnpackAStepRecordOntoEachRequestAndFailExactlyTheRequestsAPoisonOneNames() {
        Flux<GenerationEvent> a = router.register("a");
        Flux<GenerationEvent> b = router.register("b");
        Flux<GenerationEvent> c = router.register("c");
        Flux<GenerationEvent> d = router.register("d");
        kafka.updateBeginningOffsets(Map.of(PARTITION, 0L));
        kafka.updateEndOffsets(Map.of(PARTITION, 0L));
        consumer.start(Duration.ofSeconds(5));

        add(StepCodec.encode(ReplyStep.of(List.of(item(delta("a", "A1", 0)), item(delta("b", "B1", 0)),
                item(delta("c", "C1", 0))))));
        byte[] poison = StepCodec.encode(ReplyStep.of(List.of(item(delta("a", "A2", 1)), item(delta("c", "C2", 1)))));
        byte[] corrupt = Arrays.copyOf(poison, poison.length - 2);
        add(corrupt);
        add(StepCodec.encode(ReplyStep.of(List.of(item(new GenerationEvent.Completed(1, "b", "B2", List.of(1), null,
                FinishReason.LENGTH, new Usage(1, 2), null, null))))));
        add(Messages.toJson(new GenerationEvent.Completed(1, "d", "D", List.of(1), null, FinishReason.STOP,
                new Usage(1, 1), null, null)).getBytes(StandardCharsets.UTF_8));

        assertThat(texts(a)).containsExactly("A1", "failed 502");
        assertThat(texts(c)).containsExactly("C1", "failed 502");
        assertThat(texts(b)).containsExactly("B1", "B2");
        assertThat(texts(d)).containsExactly("D");
        await().atMost(Duration.ofSeconds(5)).until(() -> deadLettered.size() == 1);
        assertThat((byte[]) deadLettered.getFirst().value()).isEqualTo(corrupt);
    }

    private void add(byte[] value) {
        kafka.schedulePollTask(() -> kafka.addRecord(new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(),
                offset++, "inference-x", value)));
    }

    private static ReplyStep.Item item(GenerationEvent event) {
        return new ReplyStep.Item(event, null, null);
    }

    private static GenerationEvent.Delta delta(String id, String text, int offset) {
        return new GenerationEvent.Delta(1, id, text, List.of(offset), null, null, offset);
    }

    private static List<String> texts(Flux<GenerationEvent> events) {
        return events.map(e -> switch (e) {
            case GenerationEvent.Delta delta -> delta.text();
            case GenerationEvent.Completed completed -> completed.text();
            case GenerationEvent.Failed failed -> "failed " + failed.error().status();
            default -> e.toString();
        }).collectList().block(Duration.ofSeconds(10));
    }
}
