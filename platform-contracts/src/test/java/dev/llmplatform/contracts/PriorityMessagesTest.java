package dev.llmplatform.contracts;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The optional {@code priority} field: added without a version bump, so records without it still read. */
class PriorityMessagesTest {

    private static final String BATCH_REQUEST = """
            {"schemaVersion":1,"requestId":"job-1","model":"starter","prompt":"Once","maxTokens":8,"stream":false,"createdEpochMs":0,"deadlineEpochMs":0,
             "replyTo":{"topic":"batch-results","partition":0}}""";

    @Test
    void shouldGiveAGenerationRequestWithoutPriorityTheBatchPriority() {
        GenerationRequest request = Messages.fromJson(BATCH_REQUEST, GenerationRequest.class);

        assertThat(request.priority()).isEqualTo(GenerationRequest.BATCH_PRIORITY).isEqualTo(10);
    }

    @Test
    void shouldCarryAnExplicitPriorityThroughJson() {
        GenerationRequest urgent = Messages.fromJson(BATCH_REQUEST.replace("\"maxTokens\":8", "\"maxTokens\":8,\"priority\":-3"),
                GenerationRequest.class);

        assertThat(urgent.priority()).isEqualTo(-3);
        assertThat(Messages.fromJson(Messages.toJson(urgent), GenerationRequest.class)).isEqualTo(urgent);
    }

    @Test
    void shouldReadAnInferenceRequestFromAnOlderTokenizerAsPriorityZero() {
        String older = """
                {"schemaVersion":1,"requestId":"r1","model":"starter","version":"1","promptTokenIds":[5,6],
                 "maxTokens":4,"stopTokenIds":[],"deadlineEpochMs":0,"createdEpochMs":0,
                 "decode":{"model":"starter","version":"1","replyTo":{"topic":"t","partition":0},"stop":[],"stream":true,
                 "contextTokens":0,"promptTokens":2}}""";

        InferenceRequest request = Messages.fromJson(older, InferenceRequest.class);

        assertThat(request.priority()).isZero();
        InferenceRequest batch = new InferenceRequest(1, "r2", "starter", "1", request.promptTokenIds(), 4, null,
                null, 0, 0, request.decode(), null, GenerationRequest.BATCH_PRIORITY);
        assertThat(Messages.fromJson(Messages.toJson(batch), InferenceRequest.class).priority()).isEqualTo(10);
    }
}
