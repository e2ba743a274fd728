package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.kafka.TopicRecords;
import dev.llmplatform.topics.Topics;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Writes {@link TrainingJob}s to the jobs topic keyed by job id, so a job's records stay in order. */
final class KafkaTrainingJobPublisher implements TrainingJobPublisher {

    private final KafkaTemplate<String, String> kafka;

    KafkaTrainingJobPublisher(KafkaTemplate<String, String> kafka) {
        this.kafka = kafka;
    }

    /** Off the event loop: {@code send} can block while it fetches metadata. */
    @Override
    public Mono<Void> publish(TrainingJob job) {
        return Mono.fromFuture(() -> kafka.send(TopicRecords.record(Topics.TRAINING_JOBS, job.jobId(), job)))
                .subscribeOn(Schedulers.boundedElastic())
                .then();
    }
}
