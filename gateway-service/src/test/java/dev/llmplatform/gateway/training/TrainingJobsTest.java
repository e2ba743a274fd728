package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingEvent;
import dev.llmplatform.contracts.TrainingEvent.Status;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.llmplatform.gateway.training.TrainingEvents.queued;
import static dev.llmplatform.gateway.training.TrainingEvents.running;
import static dev.llmplatform.gateway.training.TrainingEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TrainingJobsTest {

    private final TrainingJobs jobs = new TrainingJobs(100);

    @Test
    void shouldShowASubmittedJobAsQueuedBeforeAnyEvent() {
        jobs.submitted("job-1", "tiny", 5_000);

        JobSnapshot job = jobs.find("job-1").orElseThrow();
        assertThat(job.status()).isEqualTo(Status.QUEUED);
        assertThat(job.model()).isEqualTo("tiny");
        assertThat(job.latest()).isNull();
        assertThat(job.createdEpochMs()).isEqualTo(5_000);
        assertThat(jobs.find("job-2")).isEmpty();
    }

    @Test
    void shouldMergeASubmissionThatArrivesAfterTheFirstEvents() {
        jobs.apply(running("job-1", 3, 10, 2.0));
        jobs.submitted("job-1", "tiny", 5_000);

        JobSnapshot job = jobs.find("job-1").orElseThrow();
        assertThat(job.status()).isEqualTo(Status.RUNNING);
        assertThat(job.model()).isEqualTo("tiny");
        assertThat(job.createdEpochMs()).isEqualTo(5_000);
        assertThat(job.updatedEpochMs()).isEqualTo(running("job-1", 3, 10, 2.0).epochMs());
    }

    @Test
    void shouldListNewestFirst() {
        jobs.submitted("job-old", "a", 1_000);
        jobs.submitted("job-new", "b", 3_000);
        jobs.submitted("job-mid", "c", 2_000);

        assertThat(jobs.list()).extracting(JobSnapshot::id).containsExactly("job-new", "job-mid", "job-old");
    }

    @Test
    void shouldIgnoreEventsAfterTheTerminalOne() {
        jobs.apply(succeeded("job-1", 10, 1.5, "1"));
        jobs.apply(running("job-1", 4, 10, 3.0));

        assertThat(jobs.find("job-1").orElseThrow().status()).isEqualTo(Status.SUCCEEDED);
        assertThat(jobs.watch("job-1").orElseThrow().collectList().block(Duration.ofSeconds(5))).hasSize(1);
    }

    @Test
    void shouldStreamTheHistoryThenLiveEventsAndCompleteAfterTheTerminalOne() {
        jobs.apply(queued("job-1", 10));
        jobs.apply(running("job-1", 1, 10, 5.0));
        List<TrainingEvent> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean completed = new AtomicBoolean();

        Disposable watching = jobs.watch("job-1").orElseThrow()
                .subscribe(seen::add, e -> { }, () -> completed.set(true));
        assertThat(seen).extracting(TrainingEvent::step).containsExactly(0, 1);
        assertThat(jobs.watcherCount("job-1")).isEqualTo(1);

        jobs.apply(running("job-1", 2, 10, 4.0));
        jobs.apply(succeeded("job-1", 10, 3.0, "7"));

        await().atMost(Duration.ofSeconds(5)).untilTrue(completed);
        assertThat(seen).extracting(TrainingEvent::status)
                .containsExactly(Status.QUEUED, Status.RUNNING, Status.RUNNING, Status.SUCCEEDED);
        assertThat(jobs.watcherCount("job-1")).isZero();
        assertThat(watching.isDisposed()).isTrue();
    }

    @Test
    void shouldForgetAWatcherThatGoesAway() {
        jobs.apply(queued("job-1", 10));
        Disposable watching = jobs.watch("job-1").orElseThrow().subscribe();
        assertThat(jobs.watcherCount("job-1")).isEqualTo(1);

        watching.dispose();

        assertThat(jobs.watcherCount("job-1")).isZero();
        jobs.apply(running("job-1", 1, 10, 5.0));
    }
}
