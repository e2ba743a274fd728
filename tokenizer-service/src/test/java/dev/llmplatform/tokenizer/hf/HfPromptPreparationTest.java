package dev.llmplatform.tokenizer.hf;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.generation.PromptPreparer;
import dev.llmplatform.tokenizer.text.TokenizerCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests for users' Hugging Face models become the inference requests Hugging Face would run. */
class HfPromptPreparationTest {

    private static final ReplyTo REPLY = new ReplyTo("replies", 0);

    @TempDir
    Path store;

    private InferenceRequest prepare(String model, String prompt, List<ChatMessage> messages) {
        HfFixtures.copyInto(model, store);
        PromptPreparer preparer = new PromptPreparer(new TokenizerCache(new ModelStore(store), 4));
        var outcome = preparer.prepare(new GenerationRequest(1, "r1", model, prompt, messages, 16, null, List.of(), false,
                REPLY, 0, 0, null));
        assertThat(outcome).isInstanceOf(PromptPreparer.Outcome.Accepted.class);
        return ((PromptPreparer.Outcome.Accepted) outcome).request();
    }

    @Test
    void shouldEncodeAPromptWithTheBosTheTokenizerAddsAndStopAtEveryEosId() {
        JsonNode expected = HfFixtures.json("llama3", "expected.json");

        InferenceRequest request = prepare("llama3", expected.get("prompt").asString(), null);

        assertThat(request.promptTokenIds()).containsExactlyElementsOf(
                Arrays.stream(HfFixtures.ints(expected.get("prompt_ids"))).boxed().toList());
        assertThat(request.promptTokenIds().getFirst()).isEqualTo(456);
        assertThat(request.stopTokenIds()).containsExactlyInAnyOrder(457, 464, 465);
    }

    @Test
    void shouldEncodeAChatAsItsTemplateRenderedItWithOneBos() {
        InferenceRequest request = prepare("llama3", null, List.of(new ChatMessage("user", "Hi there")));

        assertThat(request.promptTokenIds().getFirst()).isEqualTo(456);
        assertThat(request.promptTokenIds().stream().filter(id -> id == 456)).hasSize(1);
        assertThat(request.stopTokenIds()).containsExactlyInAnyOrder(457, 464, 465);
    }

    @Test
    void shouldAddNoBosForAModelWithoutOne() {
        JsonNode expected = HfFixtures.json("qwen2", "expected.json");

        InferenceRequest request = prepare("qwen2", expected.get("prompt").asString(), null);

        assertThat(request.promptTokenIds()).containsExactlyElementsOf(
                Arrays.stream(HfFixtures.ints(expected.get("prompt_ids"))).boxed().toList());
        assertThat(request.stopTokenIds()).containsExactlyInAnyOrder(428, 426);
    }
}
