package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.Objects;

/** Records on {@code llm.training.jobs}, keyed by job id: a job to run, or a cancel of one. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TrainingJob.Submit.class, name = "submit"),
        @JsonSubTypes.Type(value = TrainingJob.CancelJob.class, name = "cancel")})
public sealed interface TrainingJob extends Versioned {

    int CURRENT_VERSION = 1;

    String jobId();

    /**
     * @param owner who submitted the job, when the gateway runs with API keys: {@code key:<sha256 of the key>},
     *              never the key; only that key may list, read, follow or cancel the job. Null: anyone may
     *              (keys off, or a record written before owners existed)
     */
    record Submit(int schemaVersion, String jobId, TrainingSpec spec, long submittedEpochMs, String owner)
            implements TrainingJob {
        public Submit {
            Versioned.check(schemaVersion, CURRENT_VERSION, "TrainingJob");
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(spec, "spec");
        }

        public Submit(int schemaVersion, String jobId, TrainingSpec spec, long submittedEpochMs) {
            this(schemaVersion, jobId, spec, submittedEpochMs, null);
        }
    }

    record CancelJob(int schemaVersion, String jobId) implements TrainingJob {
        public CancelJob {
            Versioned.check(schemaVersion, CURRENT_VERSION, "TrainingJob");
            Objects.requireNonNull(jobId, "jobId");
        }
    }
}
