package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's view of every training job: fed by its own submissions and by the jobs and
 * events topics, which every instance reads from the start, so any instance can answer for any
 * job. In memory only; it is rebuilt from the topics (7 days of retention) at start-up.
 */
public final class TrainingJobs {

    /** Progress points kept per job (thinned when full): enough for a smooth loss chart. */
    public static final int DEFAULT_HISTORY_CAPACITY = 1000;

    private static final Logger log = LoggerFactory.getLogger(TrainingJobs.class);

    private final Map<String, TrainingJobState> jobs = new ConcurrentHashMap<>();
    private final int historyCapacity;

    public TrainingJobs(int historyCapacity) {
        this.historyCapacity = historyCapacity;
    }

    public void submitted(String jobId, String model, long epochMs) {
        submitted(jobId, model, epochMs, null);
    }

    /** @param owner the submitting key's identity ({@code key:<sha256>}), or null when anyone may see the job */
    public void submitted(String jobId, String model, long epochMs, String owner) {
        state(jobId).submitted(model, epochMs, owner);
    }

    public void apply(TrainingEvent event) {
        if (!state(event.jobId()).apply(event)) {
            log.debug("ignoring {} event for job {}: it has already ended", event.status().wireName(), event.jobId());
        }
    }

    public Optional<JobSnapshot> find(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(TrainingJobState::snapshot);
    }

    /** Newest first. */
    public List<JobSnapshot> list() {
        return list(null);
    }

    /** Newest first, only those {@code client} may see ({@link JobSnapshot#visibleTo}); null: every job. */
    public List<JobSnapshot> list(String client) {
        return jobs.values().stream().map(TrainingJobState::snapshot)
                .filter(job -> client == null || job.visibleTo(client))
                .sorted(Comparator.comparingLong(JobSnapshot::createdEpochMs).reversed()
                        .thenComparing(JobSnapshot::id))
                .toList();
    }

    /** The job's history, then its live events, completing after a terminal one; empty when unknown. */
    public Optional<Flux<TrainingEvent>> watch(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(TrainingJobState::watch);
    }

    int watcherCount(String jobId) {
        TrainingJobState state = jobs.get(jobId);
        return state == null ? 0 : state.watcherCount();
    }

    private TrainingJobState state(String jobId) {
        return jobs.computeIfAbsent(jobId, id -> new TrainingJobState(id, historyCapacity));
    }
}
