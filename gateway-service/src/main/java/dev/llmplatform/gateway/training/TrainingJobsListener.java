package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds {@link TrainingJobs} from the events topic (progress) and the jobs topic (submissions of
 * every gateway instance, which carry the model name events lack). Each instance reads in a group
 * of its own from the earliest record, so every instance knows every job. Poison records go to the
 * topic's dead-letter topic through the platform's error handler.
 */
@Component
public class TrainingJobsListener {

    private final TrainingJobs jobs;

    public TrainingJobsListener(TrainingJobs jobs) {
        this.jobs = jobs;
    }

    @KafkaListener(
            groupId = "gateway-training-${random.uuid}",
            topics = {Topics.TRAINING_EVENTS_NAME,
                    Topics.TRAINING_JOBS_NAME},
            properties = "auto.offset.reset=earliest")
    public void onRecord(ConsumerRecord<String, String> record) {
        if (record.topic().equals(Topics.TRAINING_EVENTS.name())) {
            jobs.apply(Topics.TRAINING_EVENTS.decode(record.value()));
        } else if (Topics.TRAINING_JOBS.decode(record.value()) instanceof TrainingJob.Submit submit) {
            jobs.submitted(submit.jobId(), submit.spec().model(), submit.submittedEpochMs(), submit.owner());
        }
        // A CancelJob changes nothing here: the job is cancelled when the training-service says so.
    }
}
