package dev.llmplatform.training.jobs;

import dev.llmplatform.contracts.TrainingEvent;
import dev.llmplatform.contracts.TrainingEvent.Status;
import dev.llmplatform.kafka.TopicRecords;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.training.TrainingProperties;
import dev.llmplatform.training.registry.StoreWatcher;
import dev.llmplatform.training.run.TrainingProgress;
import dev.llmplatform.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the training-service writes: job progress on {@code llm.training.events} keyed by job id,
 * new model versions on the registry {@code llm.models} keyed by model name. Progress is sent
 * without waiting (the training thread must not stall on Kafka); terminal events and model events
 * wait for the broker, since the job's record is acknowledged right after them.
 */
@Component
public class JobEvents {

    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);

    private final KafkaTemplate<String, String> template;
    private final Duration timeout;
    private final StoreWatcher watcher;

    public JobEvents(KafkaTemplate<String, String> template, TrainingProperties properties, StoreWatcher watcher) {
        this.template = template;
        this.watcher = watcher;
        this.timeout = properties.sendTimeout();
    }

    public void queued(String jobId, int totalSteps) {
        send(event(jobId, Status.QUEUED, 0, totalSteps, Double.NaN, Double.NaN, 0, 0, null, null), false);
    }

    /** A phase before or after the training loop ("tokenizing", "exporting"), with the latest step's figures if any. */
    public void phase(String jobId, TrainingProgress latest, int totalSteps, String phase) {
        send(latest == null
                ? event(jobId, Status.RUNNING, 0, totalSteps, Double.NaN, Double.NaN, 0, 0, phase, null)
                : event(jobId, Status.RUNNING, latest.step(), totalSteps, latest.loss(), latest.evalLoss(),
                        latest.tokensPerSecond(), latest.learningRate(), phase, null), false);
    }

    public void progress(String jobId, TrainingProgress p) {
        send(event(jobId, Status.RUNNING, p.step(), p.totalSteps(), p.loss(), p.evalLoss(), p.tokensPerSecond(),
                p.learningRate(), null, null), false);
    }

    public void succeeded(String jobId, int totalSteps, double finalLoss, double evalLoss, double tokensPerSecond,
                          ModelPackage published, String message) {
        send(event(jobId, Status.SUCCEEDED, totalSteps, totalSteps, finalLoss, evalLoss, tokensPerSecond, 0, message,
                published.version()), true);
    }

    public void failed(String jobId, int step, int totalSteps, String message) {
        send(event(jobId, Status.FAILED, step, totalSteps, Double.NaN, Double.NaN, 0, 0, message, null), true);
    }

    public void cancelled(String jobId, int step, int totalSteps, String message) {
        send(event(jobId, Status.CANCELLED, step, totalSteps, Double.NaN, Double.NaN, 0, 0, message, null), true);
    }

    /**
     * Announces a published package on the registry topic, which inference, tokenizer and gateway
     * follow, through the store watcher (the topic's one writer); waits until Kafka has it.
     */
    public void modelPublished(ModelPackage published) {
        watcher.published(published);
    }

    private static TrainingEvent event(String jobId, Status status, int step, int totalSteps, double loss,
                                       double evalLoss, double tokensPerSecond, double learningRate, String message,
                                       String modelVersion) {
        return new TrainingEvent(TrainingEvent.CURRENT_VERSION, jobId, status, step, totalSteps, loss, evalLoss,
                tokensPerSecond, learningRate, message, modelVersion, System.currentTimeMillis());
    }

    private void send(TrainingEvent event, boolean wait) {
        var sent = template.send(TopicRecords.record(Topics.TRAINING_EVENTS, event.jobId(), event));
        if (wait) {
            await(sent);
        } else {
            sent.whenComplete((result, error) -> {
                if (error != null) {
                    log.warn("cannot publish {} event of job {}: {}", event.status(), event.jobId(), error.toString());
                }
            });
        }
    }

    private void await(java.util.concurrent.CompletableFuture<?> sent) {
        try {
            sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("publishing to Kafka failed: " + e.getMessage(), e);
        }
    }
}
