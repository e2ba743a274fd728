package dev.llmplatform.training.jobs;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TrainingEvent;
import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.topics.Topics;
import dev.llmplatform.training.TrainingProperties;
import dev.llmplatform.training.registry.StoreWatcher;
import dev.llmplatform.training.checkpoint.CheckpointStore;
import dev.llmplatform.training.pipeline.PipelineTestSpecs;
import dev.llmplatform.training.pipeline.TrainingPipeline;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The runner without a broker: what a service stopped mid-job leaves for the next one. */
class JobRunnerTest {

    @TempDir
    Path dir;

    private final List<TrainingEvent> events = new CopyOnWriteArrayList<>();

    @Test
    @SuppressWarnings("unchecked")
    void shouldLeaveAJobUnacknowledgedAtShutdownAndResumeItFromItsCheckpointWhenDeliveredAgain() throws Exception {
        KafkaTemplate<String, String> template = mock(KafkaTemplate.class);
        when(template.send(any(ProducerRecord.class))).thenAnswer(call -> {
            ProducerRecord<String, String> record = call.getArgument(0);
            if (record.topic().equals(Topics.TRAINING_EVENTS.name())) {
                events.add(Messages.fromJson(record.value(), TrainingEvent.class));
            }
            return CompletableFuture.completedFuture(null);
        });
        TrainingProperties properties = new TrainingProperties(dir.resolve("models"), dir.resolve("training"),
                dir.resolve("datasets"), DataSize.ofMegabytes(1), 0, 2, 1, Duration.ZERO, 100, Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        TrainingPipeline pipeline = new TrainingPipeline(properties.pipelineSettings());
        MessageListenerContainer container = mock(MessageListenerContainer.class);
        TrainingJob.Submit job = new TrainingJob.Submit(1, "job-1", PipelineTestSpecs.tiny("resumed", 150, 5), 0);
        CheckpointStore checkpoints = new CheckpointStore(pipeline.jobDir("job-1").resolve("checkpoints"), 2);

        JobRunner first = new JobRunner(pipeline, new JobEvents(template, properties, StoreWatcher.create(properties, template)), () -> container, properties);
        Acknowledgment firstAck = mock(Acknowledgment.class);
        first.submit(job, firstAck);
        await().atMost(Duration.ofSeconds(60)).until(() -> !checkpoints.checkpoints().isEmpty());
        first.destroy();

        verify(firstAck, never()).acknowledge();
        verify(container).pause();
        assertThat(events).extracting(TrainingEvent::status).doesNotContain(TrainingEvent.Status.CANCELLED);
        int stoppedAt = events.stream().mapToInt(TrainingEvent::step).max().orElseThrow();
        events.clear();

        JobRunner second = new JobRunner(pipeline, new JobEvents(template, properties, StoreWatcher.create(properties, template)), () -> container, properties);
        Acknowledgment secondAck = mock(Acknowledgment.class);
        second.submit(job, secondAck);

        verify(secondAck, timeout(120_000)).acknowledge();
        assertThat(events.getLast().status()).isEqualTo(TrainingEvent.Status.SUCCEEDED);
        int firstStepAfterRestart = events.stream().filter(e -> e.status() == TrainingEvent.Status.RUNNING
                && e.message() == null).mapToInt(TrainingEvent::step).min().orElseThrow();
        assertThat(firstStepAfterRestart).isGreaterThan(5).isLessThanOrEqualTo(stoppedAt + 1);
        second.destroy();
    }
}
