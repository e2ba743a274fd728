package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A constraint the engine cannot compile, or cannot apply to the model, ends the request with one error event
 * (a 400 naming {@code response_format}), never a hung stream; the service keeps serving.
 */
class ConstrainedGenerationKafkaServiceTest extends InferenceServiceTestBase {

    @Test
    void shouldAnswerAConstraintItCannotCompileWithA400ErrorEvent() {
        InferenceRequest request = constrained("req-not", OutputConstraint.jsonSchema("{\"not\":{\"type\":\"string\"}}"));
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(Topics.INFERENCE_REQUESTS.name(), "req-not", Messages.toJson(request));
            TokenEvent last = eventsOf(tokens, "req-not").getLast();
            assertThat(last.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(last.error().status()).isEqualTo(400);
            assertThat(last.error().param()).isEqualTo("response_format");
            assertThat(last.error().message()).contains("'not'");
            assertThat(last.tokenIds()).isEmpty();

            kafka.send(Topics.INFERENCE_REQUESTS.name(), "req-after", Messages.toJson(request("req-after", "tiny", new int[]{1}, 3)));
            assertThat(eventsOf(tokens, "req-after").getLast().finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void shouldAnswerAConstraintOnAModelWithoutATokenizerWithA400ErrorEvent() {
        InferenceRequest request = constrained("req-notok", OutputConstraint.regex("[0-9]+"));
        try (Consumer<String, byte[]> tokens = tokenConsumer()) {
            kafka.send(Topics.INFERENCE_REQUESTS.name(), "req-notok", Messages.toJson(request));
            TokenEvent last = eventsOf(tokens, "req-notok").getLast();
            assertThat(last.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(last.error().status()).isEqualTo(400);
            assertThat(last.error().message()).contains("tokenizer");
        }
    }

    private static InferenceRequest constrained(String id, OutputConstraint constraint) {
        InferenceRequest plain = request(id, "tiny", new int[]{1, 2}, 4);
        return new InferenceRequest(plain.schemaVersion(), plain.requestId(), plain.model(), plain.version(),
                plain.promptTokenIds(), plain.maxTokens(), plain.sampling().withConstraint(constraint), plain.stopTokenIds(),
                0, plain.createdEpochMs(), plain.decode(), null);
    }
}
