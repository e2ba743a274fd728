package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TrainingEvent;
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
            topics = {"#{T(dev.llmplatform.topics.Topics).TRAINING_EVENTS.name()}",
                    "#{T(dev.llmplatform.topics.Topics).TRAINING_JOBS.name()}"},
            properties = "auto.offset.reset=earliest")
    public void onRecord(ConsumerRecord<String, String> record) {
        if (record.topic().equals(Topics.TRAINING_EVENTS.name())) {
            jobs.apply(Messages.fromJson(record.value(), TrainingEvent.class));
        } else if (Messages.fromJson(record.value(), TrainingJob.class) instanceof TrainingJob.Submit submit) {
            jobs.submitted(submit.jobId(), submit.spec().model(), submit.submittedEpochMs(), submit.owner());
        }
        // A CancelJob changes nothing here: the job is cancelled when the training-service says so.
    }
}
