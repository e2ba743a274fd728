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

    record Submit(int schemaVersion, String jobId, TrainingSpec spec, long submittedEpochMs) implements TrainingJob {
        public Submit {
            Versioned.check(schemaVersion, CURRENT_VERSION, "TrainingJob");
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(spec, "spec");
        }
    }

    record CancelJob(int schemaVersion, String jobId) implements TrainingJob {
        public CancelJob {
            Versioned.check(schemaVersion, CURRENT_VERSION, "TrainingJob");
            Objects.requireNonNull(jobId, "jobId");
        }
    }
}
