package dev.llmplatform.gateway.batches;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** {@code /v1/batches} in OpenAI's JSON shape (snake_case; times in epoch seconds). */
public final class BatchesProtocol {

    public static final String OBJECT = "batch";
    /** The only completion window accepted, as OpenAI's. */
    public static final String COMPLETION_WINDOW = "24h";

    private BatchesProtocol() {
    }

    /**
     * The JSON form of a batch: the lines of OpenAI's batch input file, inline.
     *
     * @param input            one {@code {"custom_id","method","url","body"}} object per request
     * @param completionWindow {@code 24h} (the default); informational, nothing expires
     */
    public record CreateBatchRequest(
            List<JsonNode> input,
            @JsonProperty("completion_window") String completionWindow,
            Map<String, String> metadata,
            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    public enum Status {
        VALIDATING, IN_PROGRESS, COMPLETED, CANCELLED, FAILED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase();
        }

        public boolean isTerminal() {
            return this == COMPLETED || this == CANCELLED || this == FAILED;
        }
    }

    /**
     * A batch as OpenAI describes one. {@code endpoint} is the lines' URL when they share one, else
     * null; the results are read from {@code output_url} (this gateway has no files API).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record BatchBody(
            String id,
            String object,
            String endpoint,
            @JsonProperty("completion_window") String completionWindow,
            Status status,
            @JsonProperty("output_url") String outputUrl,
            @JsonProperty("created_at") long createdAt,
            @JsonProperty("in_progress_at") Long inProgressAt,
            @JsonProperty("expires_at") long expiresAt,
            @JsonProperty("completed_at") Long completedAt,
            @JsonProperty("failed_at") Long failedAt,
            @JsonProperty("cancelled_at") Long cancelledAt,
            @JsonProperty("request_counts") RequestCounts requestCounts,
            Map<String, String> metadata) {
    }

    /** {@code failed} counts every line without a 200: refused, failed, or cancelled before it finished. */
    public record RequestCounts(int total, int completed, int failed) {
    }

    public record BatchList(String object, List<BatchBody> data, @JsonProperty("has_more") boolean hasMore) {
        public static BatchList of(List<BatchBody> batches) {
            return new BatchList("list", batches, false);
        }
    }

    /**
     * One line of the output, in input order. A line that ran (or was refused as the endpoint would
     * refuse it) has a {@code response}: status 200 and the endpoint's body, or the error status and
     * OpenAI's error body. A line that never ran (batch cancelled or failed) has {@code error} instead.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ResultLine(String id, @JsonProperty("custom_id") String customId, LineResponse response,
                             LineError error) {

        boolean succeeded() {
            return response != null && response.statusCode() == 200;
        }
    }

    public record LineResponse(@JsonProperty("status_code") int statusCode, JsonNode body) {
    }

    /** @param code {@code batch_cancelled} or {@code batch_failed} */
    public record LineError(String code, String message) {
    }
}
