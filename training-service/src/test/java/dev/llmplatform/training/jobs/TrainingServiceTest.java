package dev.llmplatform.training.jobs;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.contracts.TrainingEvent;
import dev.llmplatform.contracts.TrainingEvent.Status;
import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.topics.Topics;
import dev.llmplatform.training.TrainingApplication;
import dev.llmplatform.training.pipeline.PipelineTestSpecs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The training-service against a real (embedded KRaft) broker, training tiny models into a temporary store. */
@SpringBootTest(classes = TrainingApplication.class, properties = {
        "spring.config.name=" + TrainingApplication.CONFIG_NAME,
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "llm.training.progress-every-steps=5",
        "logging.level.kafka=WARN", "logging.level.org.apache.kafka=WARN", "logging.level.state.change.logger=WARN"})
@EmbeddedKafka(brokerProperties = {"group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=1"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingServiceTest {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    /** Made here, not with @TempDir: the Spring context (and so this method) comes before JUnit fills such fields. */
    private static Path dir;

    @DynamicPropertySource
    static void folders(DynamicPropertyRegistry registry) throws IOException {
        dir = Files.createTempDirectory("training-service-test");
        registry.add("llm.training.model-store", () -> dir.resolve("models").toString());
        registry.add("llm.training.training-dir", () -> dir.resolve("training").toString());
        registry.add("llm.training.dataset-root", () -> dir.resolve("datasets").toString());
    }

    @Autowired
    private KafkaTemplate<String, String> template;
    @Autowired
    private EmbeddedKafkaBroker broker;
    @Autowired
    private HealthEndpoint health;

    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();
    private KafkaConsumer<String, String> consumer;

    @AfterAll
    void close() {
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void shouldRunAJobFromQueuedToSucceededAndPublishTheModel() {
        String jobId = submit(PipelineTestSpecs.tiny("tiny-e2e", 20, 0));

        List<TrainingEvent> events = awaitEvents(jobId, e -> e.status().isTerminal());

        assertThat(events.getFirst().status()).isEqualTo(Status.QUEUED);
        assertThat(events.getLast().status()).isEqualTo(Status.SUCCEEDED);
        assertThat(events.getLast().modelVersion()).isEqualTo("1");
        List<TrainingEvent> steps = events.stream().filter(e -> e.status() == Status.RUNNING && e.message() == null).toList();
        assertThat(steps).extracting(TrainingEvent::step).contains(1, 10, 20).isSorted();
        assertThat(steps.getLast().evalLoss()).isFinite();
        assertThat(steps.getLast().tokensPerSecond()).isPositive();
        ModelPackage published = new ModelStore(dir.resolve("models")).openLatest("tiny-e2e").orElseThrow();
        assertThat(published.manifest().trainingJob()).isEqualTo(jobId);
        assertThat(published.manifest().evalMetrics()).containsKeys("eval_loss", "unigram_eval_loss");
        assertThat(published.modelFile()).isRegularFile();
        ModelEvent model = Messages.fromJson(awaitRecord(Topics.MODELS.name(), "tiny-e2e").value(), ModelEvent.class);
        assertThat(model.version()).isEqualTo("1");
        assertThat(model.trainingJobId()).isEqualTo(jobId);
        assertThat(model.contextLength()).isEqualTo(32);
        assertThat(model.parameterCount()).isEqualTo(published.decoderConfig().parameterCount());
        assertThat(Files.exists(dir.resolve("training").resolve(jobId))).isFalse();
    }

    @Test
    void shouldDeadLetterUnreadableRecordsFailBadSpecsAndKeepTakingJobs() {
        String garbage = "not json " + UUID.randomUUID();
        template.send(Topics.TRAINING_JOBS.name(), "garbage", garbage);
        String badSpec = submit(new TrainingSpec("bad", new TrainingSpec.Dataset("synthetic", null, 1L, 10),
                new TrainingSpec.TokenizerSpec(300, null), new TrainingSpec.Architecture(1, 32, 3, 0, 32, null),
                5, 2, 1e-3, 1, 0, 0));
        String good = submit(PipelineTestSpecs.tiny("after-poison", 2, 0));

        assertThat(awaitRecord(Topics.TRAINING_JOBS.deadLetter(), "garbage").value()).isEqualTo(garbage);
        TrainingEvent failed = awaitEvents(badSpec, e -> e.status().isTerminal()).getLast();
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.message()).contains("head dimension");
        assertThat(awaitEvents(good, e -> e.status().isTerminal()).getLast().status()).isEqualTo(Status.SUCCEEDED);
    }

    @Test
    void shouldCancelARunningJobAndAJobWhoseCancelCameFirst() {
        String running = submit(PipelineTestSpecs.tiny("long", 1_000_000, 0));
        awaitEvents(running, e -> e.status() == Status.RUNNING && e.step() > 0);
        assertThat(health.health().getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);

        cancel(running);
        List<TrainingEvent> events = awaitEvents(running, e -> e.status().isTerminal());
        assertThat(events.getLast().status()).isEqualTo(Status.CANCELLED);
        assertThat(events.getLast().step()).isPositive().isLessThan(1_000_000);

        String early = UUID.randomUUID().toString();
        cancel(early); // same key, same partition: the job consumer meets the cancel before the job
        submit(early, PipelineTestSpecs.tiny("never", 5, 0));
        assertThat(awaitEvents(early, e -> e.status().isTerminal())).extracting(TrainingEvent::status)
                .containsExactly(Status.QUEUED, Status.CANCELLED);
        assertThat(new ModelStore(dir.resolve("models")).latestVersion("long")).isEmpty();
    }

    private String submit(TrainingSpec spec) {
        return submit(UUID.randomUUID().toString(), spec);
    }

    private String submit(String jobId, TrainingSpec spec) {
        TrainingJob job = new TrainingJob.Submit(TrainingJob.CURRENT_VERSION, jobId, spec, System.currentTimeMillis());
        template.send(Topics.TRAINING_JOBS.name(), jobId, Messages.toJson(job));
        return jobId;
    }

    private void cancel(String jobId) {
        TrainingJob cancel = new TrainingJob.CancelJob(TrainingJob.CURRENT_VERSION, jobId);
        template.send(Topics.TRAINING_JOBS.name(), jobId, Messages.toJson(cancel));
    }

    /** The job's events so far, once one matches {@code last}. */
    private List<TrainingEvent> awaitEvents(String jobId, Predicate<TrainingEvent> last) {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (true) {
            List<TrainingEvent> events = records(Topics.TRAINING_EVENTS.name(), jobId).stream()
                    .map(r -> Messages.fromJson(r.value(), TrainingEvent.class)).toList();
            if (events.stream().anyMatch(last)) {
                return events;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " did not get there in time; events: " + events);
            }
        }
    }

    private ConsumerRecord<String, String> awaitRecord(String topic, String key) {
        await().atMost(JOB_TIMEOUT).pollInSameThread().until(() -> !records(topic, key).isEmpty());
        return records(topic, key).getFirst();
    }

    /** Everything on the platform's output topics, read from the start by one consumer, filtered. */
    private synchronized List<ConsumerRecord<String, String>> records(String topic, String key) {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(KafkaTestUtils.consumerProps(broker, "test-" + UUID.randomUUID(), false),
                    new StringDeserializer(), new StringDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String name : List.of(Topics.TRAINING_EVENTS.name(), Topics.MODELS.name(), Topics.TRAINING_JOBS.deadLetter())) {
                int count = name.equals(Topics.TRAINING_EVENTS.name()) ? Topics.TRAINING_EVENTS.partitions() : 1;
                IntStream.range(0, count).forEach(p -> partitions.add(new TopicPartition(name, p)));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        return seen.stream().filter(r -> r.topic().equals(topic) && key.equals(r.key())).toList();
    }
}
