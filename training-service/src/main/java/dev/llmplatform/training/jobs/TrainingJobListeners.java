package dev.llmplatform.training.jobs;

import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.topics.Topics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * The Kafka side of training. Jobs are shared among the instances of the consumer group, one record
 * at a time, acknowledged by the {@link JobRunner} when the job ends. Cancels travel on the same
 * topic, where the paused job consumer cannot see them, so a second consumer with a group of its
 * own per instance reads every record from the earliest offset and passes the cancels on. An
 * unreadable record throws {@link PoisonMessageException} in the job consumer, and the platform's
 * error handler sends it to {@code llm.training.jobs.DLT}; the cancel consumer skips it, so every
 * poison record is dead-lettered once, not once per instance.
 */
@Component
class TrainingJobListeners {

    static final String JOBS_LISTENER_ID = "training-jobs";
    static final String CANCELS_LISTENER_ID = "training-cancels";

    private final JobRunner runner;

    TrainingJobListeners(JobRunner runner) {
        this.runner = runner;
    }

    @KafkaListener(id = JOBS_LISTENER_ID, idIsGroup = false,
            topics = Topics.TRAINING_JOBS_NAME,
            properties = "max.poll.records=1")
    void onJob(String json, Acknowledgment ack) {
        switch (Topics.TRAINING_JOBS.decode(json)) {
            case TrainingJob.Submit submit -> runner.submit(submit, ack);
            case TrainingJob.CancelJob cancel -> {
                runner.cancel(cancel.jobId());
                ack.acknowledge();
            }
        }
    }

    /** Never acknowledges: the group is this instance's alone and starts from the earliest offset each time. */
    @KafkaListener(id = CANCELS_LISTENER_ID,
            topics = Topics.TRAINING_JOBS_NAME,
            groupId = "training-cancel-${random.uuid}",
            properties = "auto.offset.reset=earliest")
    void onCancel(String json) {
        TrainingJob job;
        try {
            job = Topics.TRAINING_JOBS.decode(json);
        } catch (PoisonMessageException e) {
            return;
        }
        if (job instanceof TrainingJob.CancelJob cancel) {
            runner.cancel(cancel.jobId());
        }
    }
}
