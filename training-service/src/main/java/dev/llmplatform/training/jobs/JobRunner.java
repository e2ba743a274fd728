package dev.llmplatform.training.jobs;

import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.training.TrainingProperties;
import dev.llmplatform.training.pipeline.PipelineJob;
import dev.llmplatform.training.pipeline.PipelineResult;
import dev.llmplatform.training.pipeline.TrainingPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs one job at a time on its own thread. While a job runs the job consumer is paused (it keeps
 * polling, so a job of hours never costs its group membership) and the job's record stays
 * unacknowledged: it is acknowledged only when the job has ended — succeeded, failed or cancelled —
 * so a service killed mid-job gets the record again and the pipeline resumes from the job's last
 * checkpoint. A shutdown stops the job the same way, without an event or an acknowledgement.
 */
public final class JobRunner implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final TrainingPipeline pipeline;
    private final JobEvents events;
    private final Supplier<MessageListenerContainer> jobConsumer;
    private final TrainingProperties properties;
    private final RecentJobIds cancelled;
    private final RecentJobIds finished;
    private final AtomicReference<PipelineJob> current = new AtomicReference<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("training-job").factory());
    private volatile boolean stopping;

    public JobRunner(TrainingPipeline pipeline, JobEvents events, Supplier<MessageListenerContainer> jobConsumer,
                     TrainingProperties properties) {
        this.pipeline = pipeline;
        this.events = events;
        this.jobConsumer = jobConsumer;
        this.properties = properties;
        this.cancelled = new RecentJobIds(properties.rememberedCancels());
        this.finished = new RecentJobIds(properties.rememberedCancels());
    }

    /** On the job consumer's thread: starts the job, or ends it at once when it was cancelled or has run here. */
    public void submit(TrainingJob.Submit job, Acknowledgment ack) {
        String jobId = job.jobId();
        if (finished.contains(jobId)) {
            // Delivered again after a rebalance reset the position: it ended here already.
            ack.acknowledge();
            return;
        }
        events.queued(jobId, job.spec().steps());
        if (cancelled.contains(jobId)) {
            publishQuietly(() -> events.cancelled(jobId, 0, job.spec().steps(), "cancelled before it started"));
            end(jobId, ack, false);
            return;
        }
        jobConsumer.get().pause();
        worker.execute(() -> run(job, ack));
    }

    /** From any thread: stops the job if it runs here, and remembers the id in case it arrives later. */
    public void cancel(String jobId) {
        cancelled.add(jobId);
        PipelineJob job = current.get();
        if (job != null && job.jobId().equals(jobId)) {
            log.info("cancelling training job {}", jobId);
            job.cancel();
        }
    }

    private void run(TrainingJob.Submit submit, Acknowledgment ack) {
        String jobId = submit.jobId();
        int totalSteps = submit.spec().steps();
        JobProgress progress = new JobProgress(jobId, totalSteps, events, properties.progressEverySteps(),
                properties.progressInterval());
        boolean handOver = false;
        boolean succeeded = false;
        try {
            PipelineJob job = pipeline.job(jobId, submit.spec(), progress);
            current.set(job);
            if (cancelled.contains(jobId)) {
                job.cancel();
            }
            log.info("training job {} started: model {}, {} steps", jobId, submit.spec().model(), totalSteps);
            PipelineResult result = job.execute();
            if (result.status() == PipelineResult.Status.SUCCEEDED) {
                succeeded = true;
                publishQuietly(() -> {
                    events.modelPublished(result.modelPackage());
                    events.succeeded(jobId, totalSteps, result.training() == null ? Double.NaN : result.training().finalLoss(),
                            result.evalLoss(), result.training() == null ? 0 : result.training().tokensPerSecond(),
                            result.modelPackage(), "published %s:%s (eval loss %.4f, unigram baseline %.4f)".formatted(
                                    result.modelPackage().name(), result.modelPackage().version(), result.evalLoss(),
                                    result.unigramEvalLoss()));
                });
                log.info("training job {} published {}:{}", jobId, result.modelPackage().name(), result.modelPackage().version());
            } else if (stopping && !cancelled.contains(jobId)) {
                handOver = true;
                log.info("training job {} stopped by shutdown at step {}; it resumes after a restart", jobId,
                        progress.lastStep());
            } else {
                publishQuietly(() -> events.cancelled(jobId, progress.lastStep(), totalSteps, "cancelled"));
                log.info("training job {} cancelled at step {}", jobId, progress.lastStep());
            }
        } catch (IllegalArgumentException e) {
            log.info("training job {} rejected: {}", jobId, e.getMessage()); // a bad spec or dataset: the user's to fix
            publishQuietly(() -> events.failed(jobId, progress.lastStep(), totalSteps, e.getMessage()));
        } catch (RuntimeException | OutOfMemoryError e) {
            log.warn("training job {} failed", jobId, e);
            String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            publishQuietly(() -> events.failed(jobId, progress.lastStep(), totalSteps, message));
        } finally {
            current.set(null);
            if (!handOver) {
                end(jobId, ack, succeeded);
            }
            jobConsumer.get().resume();
        }
    }

    /** Acknowledges the job's record and forgets its folder (a published job has done so itself). */
    private void end(String jobId, Acknowledgment ack, boolean succeeded) {
        finished.add(jobId);
        ack.acknowledge();
        if (!succeeded) {
            try {
                pipeline.discard(jobId);
            } catch (IllegalArgumentException e) {
                // an id that is no folder name never had a folder
            }
        }
    }

    /** A terminal event that cannot be published is logged; the job still ends, or it would run again. */
    private static void publishQuietly(Runnable publish) {
        try {
            publish.run();
        } catch (RuntimeException e) {
            log.error("cannot publish the outcome of a training job: {}", e.toString());
        }
    }

    /** Stops a running job so its record stays unacknowledged and it resumes after the restart. */
    @Override
    public void destroy() throws InterruptedException {
        stopping = true;
        PipelineJob job = current.get();
        if (job != null) {
            job.cancel();
        }
        worker.shutdown();
        if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
            log.warn("training job still running after 30 s of shutdown");
        }
    }
}
