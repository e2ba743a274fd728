package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingJob;
import reactor.core.publisher.Mono;

/** Sends submissions and cancels to the training-service; completes once the record is written. */
public interface TrainingJobPublisher {

    Mono<Void> publish(TrainingJob job);
}
