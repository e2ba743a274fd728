package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingJob;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what would be published; can be told to fail like an unreachable broker. */
final class RecordingJobPublisher implements TrainingJobPublisher {

    private final List<TrainingJob> published = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    @Override
    public Mono<Void> publish(TrainingJob job) {
        return Mono.defer(() -> {
            if (failing) {
                return Mono.error(new IllegalStateException("broker down"));
            }
            published.add(job);
            return Mono.empty();
        });
    }

    List<TrainingJob> published() {
        return published;
    }

    void failing(boolean failing) {
        this.failing = failing;
    }

    void clear() {
        published.clear();
        failing = false;
    }
}
