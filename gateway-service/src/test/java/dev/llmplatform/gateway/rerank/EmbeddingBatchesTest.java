package dev.llmplatform.gateway.rerank;

import dev.llmplatform.contracts.ErrorInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A refusal by the tokenizer names the rerank or score field, not the embed request's {@code input[i]}. */
class EmbeddingBatchesTest {

    @Test
    void shouldNameTheRequestsOwnFieldInAnInputRefusal() {
        var tooLong = new ErrorInfo(400, "invalid_request_error", "This model's maximum context length is 512 tokens,"
                + " but the input[1] has 600 tokens", "input[1]", "context_length_exceeded");

        ErrorInfo renamed = EmbeddingBatches.renamed(tooLong, List.of("query", "documents[4]"));

        assertThat(renamed.param()).isEqualTo("documents[4]");
        assertThat(renamed.message()).endsWith("but the documents[4] has 600 tokens");
        assertThat(renamed.code()).isEqualTo("context_length_exceeded");
        assertThat(renamed.status()).isEqualTo(400);
    }

    @Test
    void shouldRenameABareInputOnlyWhenOneTextWasSentAndLeaveOtherErrorsAlone() {
        var empty = ErrorInfo.invalidRequest("input must not be empty", "input");
        assertThat(EmbeddingBatches.renamed(empty, List.of("text_2")).message()).isEqualTo("text_2 must not be empty");
        assertThat(EmbeddingBatches.renamed(empty, List.of("text_1", "text_2"))).isEqualTo(empty);
        var model = ErrorInfo.notFound("The model 'x' does not exist", "model");
        assertThat(EmbeddingBatches.renamed(model, List.of("query"))).isEqualTo(model);
        var internal = ErrorInfo.internal("engine failed");
        assertThat(EmbeddingBatches.renamed(internal, List.of("query"))).isEqualTo(internal);
    }
}
