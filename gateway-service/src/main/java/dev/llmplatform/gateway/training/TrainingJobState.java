package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.List;

/**
 * One job: its submission, latest event, bounded history and the streams watching it. One lock
 * guards all of it, so a watcher gets the history and then every later event, none twice or lost.
 */
final class TrainingJobState {

    private final String id;
    private final ProgressHistory history;
    private final List<Sinks.Many<TrainingEvent>> watchers = new ArrayList<>();
    private String model;
    private String owner;
    private TrainingEvent latest;
    private long createdEpochMs;
    private long updatedEpochMs;

    TrainingJobState(String id, int historyCapacity) {
        this.id = id;
        this.history = new ProgressHistory(historyCapacity);
    }

    /** The submission, from this instance or replayed from the jobs topic: the same job, told twice. */
    synchronized void submitted(String modelName, long epochMs, String submitter) {
        if (model == null) {
            model = modelName;
        }
        if (owner == null) {
            owner = submitter;
        }
        // The submission time wins over that of an event that happened to arrive first.
        createdEpochMs = epochMs;
        updatedEpochMs = Math.max(updatedEpochMs, epochMs);
    }

    /** Applies a progress event; false when the job had already ended (a late or repeated event). */
    synchronized boolean apply(TrainingEvent event) {
        if (latest != null && latest.status().isTerminal()) {
            return false;
        }
        latest = event;
        history.add(event);
        if (createdEpochMs == 0) {
            createdEpochMs = event.epochMs();
        }
        updatedEpochMs = Math.max(updatedEpochMs, event.epochMs());
        // A copy: a watcher that cancels while it is handed an event leaves the list at once (same thread).
        List<Sinks.Many<TrainingEvent>> current = List.copyOf(watchers);
        if (event.status().isTerminal()) {
            watchers.clear();
        }
        for (Sinks.Many<TrainingEvent> watcher : current) {
            watcher.tryEmitNext(event);
            if (event.status().isTerminal()) {
                watcher.tryEmitComplete();
            }
        }
        return true;
    }

    synchronized JobSnapshot snapshot() {
        TrainingEvent.Status status = latest == null ? TrainingEvent.Status.QUEUED : latest.status();
        return new JobSnapshot(id, model, status, latest, createdEpochMs, updatedEpochMs, owner);
    }

    /** The history so far, then live events; completes after a terminal event. */
    Flux<TrainingEvent> watch() {
        return Flux.defer(() -> {
            // Buffers what the client has not taken yet; emitted only under this object's lock.
            Sinks.Many<TrainingEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
            synchronized (this) {
                history.points().forEach(sink::tryEmitNext);
                if (latest != null && latest.status().isTerminal()) {
                    sink.tryEmitComplete();
                } else {
                    watchers.add(sink);
                }
            }
            return sink.asFlux().doFinally(signal -> unwatch(sink));
        });
    }

    synchronized int watcherCount() {
        return watchers.size();
    }

    private synchronized void unwatch(Sinks.Many<TrainingEvent> sink) {
        watchers.remove(sink);
    }
}
