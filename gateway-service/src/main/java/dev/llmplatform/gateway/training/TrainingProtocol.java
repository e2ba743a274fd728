package dev.llmplatform.gateway.training;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmplatform.contracts.TrainingEvent;

import java.util.List;

/**
 * {@code /v1/training/jobs} in the OpenAI style: snake_case JSON, an {@code object} type on each
 * body, times in seconds since the epoch, and null (never NaN) where a value is not known yet.
 */
public final class TrainingProtocol {

    public static final String JOB_OBJECT = "training.job";
    public static final String EVENT_OBJECT = "training.job.event";

    private TrainingProtocol() {
    }

    /** The request body; boxed fields so "left out" can be told from a value. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CreateJobRequest(
            String model,
            DatasetBody dataset,
            TokenizerBody tokenizer,
            ArchitectureBody architecture,
            Integer steps,
            @JsonProperty("batch_size") Integer batchSize,
            @JsonProperty("learning_rate") Double learningRate,
            Long seed,
            @JsonProperty("checkpoint_every") Integer checkpointEvery,
            @JsonProperty("eval_every") Integer evalEvery) {
    }

    /**
     * {@code {"type":"synthetic","seed":…,"documents":…}} (or {@code "synthetic-tools"}) or
     * {@code {"type":"files","path":"relative/path"}}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DatasetBody(String type, String path, Long seed, Integer documents) {
    }

    /** {@code {"vocab_size":N}} to train a new byte-level BPE, or {@code {"reuse_model":"name"}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TokenizerBody(@JsonProperty("vocab_size") Integer vocabSize,
                                @JsonProperty("reuse_model") String reuseModel) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ArchitectureBody(Integer layers, Integer hidden, Integer heads,
                                   @JsonProperty("kv_heads") Integer kvHeads, Integer context,
                                   Integer intermediate) {
    }

    /** A job as {@code GET /v1/training/jobs/{id}} answers it; every field written, null when unknown. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record JobBody(
            String id,
            String object,
            String model,
            String status,
            Integer step,
            @JsonProperty("total_steps") Integer totalSteps,
            Double loss,
            @JsonProperty("eval_loss") Double evalLoss,
            @JsonProperty("tokens_per_second") Double tokensPerSecond,
            @JsonProperty("learning_rate") Double learningRate,
            @JsonProperty("model_version") String modelVersion,
            String message,
            long created,
            long updated) {

        public static JobBody of(JobSnapshot job) {
            TrainingEvent e = job.latest();
            return new JobBody(job.id(), JOB_OBJECT, job.model(), job.status().wireName(),
                    e == null ? null : e.step(), e == null ? null : e.totalSteps(),
                    e == null ? null : finite(e.loss()), e == null ? null : finite(e.evalLoss()),
                    e == null ? null : finite(e.tokensPerSecond()), e == null ? null : finite(e.learningRate()),
                    e == null ? null : e.modelVersion(), e == null ? null : e.message(),
                    job.createdEpochMs() / 1000, job.updatedEpochMs() / 1000);
        }
    }

    public record JobList(String object, List<JobBody> data, @JsonProperty("has_more") boolean hasMore) {
        public static JobList of(List<JobBody> jobs) {
            return new JobList("list", jobs, false);
        }
    }

    /** One progress point on {@code GET /v1/training/jobs/{id}/events}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record EventBody(
            String object,
            @JsonProperty("job_id") String jobId,
            String status,
            int step,
            @JsonProperty("total_steps") int totalSteps,
            Double loss,
            @JsonProperty("eval_loss") Double evalLoss,
            @JsonProperty("tokens_per_second") Double tokensPerSecond,
            @JsonProperty("learning_rate") Double learningRate,
            @JsonProperty("model_version") String modelVersion,
            String message,
            long created) {

        public static EventBody of(TrainingEvent e) {
            return new EventBody(EVENT_OBJECT, e.jobId(), e.status().wireName(), e.step(), e.totalSteps(),
                    finite(e.loss()), finite(e.evalLoss()), finite(e.tokensPerSecond()), finite(e.learningRate()),
                    e.modelVersion(), e.message(), e.epochMs() / 1000);
        }
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
