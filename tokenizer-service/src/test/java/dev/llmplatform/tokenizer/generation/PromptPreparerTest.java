package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.TestTokenizers;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import dev.llmplatform.tokenizer.text.TokenizerCache;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PromptPreparerTest {

    private static final ReplyTo REPLY = new ReplyTo("replies", 0);

    @TempDir
    Path root;
    private ModelStore store;
    private PromptPreparer preparer;

    @BeforeEach
    void writeModels() {
        store = new ModelStore(root);
        writeDecoder("tiny", "1", 32);
        writeDecoder("tiny", "2", 128);
        ModelPackageWriter.write(store, "embedder", "1", "encoder", 0, null, Map.of(), null,
                dir -> {
                    TestTokenizers.files().write(dir);
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), Map.of("model_type", "bert"));
                });
        preparer = new PromptPreparer(new TokenizerCache(store, 4));
    }

    @Test
    void shouldUseTheLatestVersionUnlessOneIsNamed() {
        var latest = accepted(request("tiny", "the model", null, 500));
        assertThat(latest.version()).isEqualTo("2");
        assertThat(latest.maxTokens()).isEqualTo(128 - latest.promptTokenIds().size());
        var pinned = accepted(request("tiny:1", "the model", null, 500));
        assertThat(pinned.version()).isEqualTo("1");
        assertThat(pinned.maxTokens()).isEqualTo(32 - pinned.promptTokenIds().size());
        assertThat(accepted(request("tiny", "the model", null, 3)).maxTokens()).isEqualTo(3);
    }

    @Test
    void shouldRejectWhatCannotBeGenerated() {
        assertThat(rejected(request("nope", "x", null, 5)).status()).isEqualTo(404);
        assertThat(rejected(request("../tiny", "x", null, 5)).status()).isEqualTo(404);
        assertThat(rejected(request("tiny:9", "x", null, 5)).status()).isEqualTo(404);
        assertThat(rejected(request("tiny", "", null, 5)).param()).isEqualTo("prompt");
        assertThat(rejected(request("tiny", null, List.of(), 5)).param()).isEqualTo("messages");
        assertThat(rejected(request("embedder", "x", null, 5)).message()).contains("encoder");
        var tooLong = rejected(request("tiny:1", "the model ".repeat(40), null, 5));
        assertThat(tooLong.code()).isEqualTo("context_length_exceeded");
        assertThat(tooLong.message()).contains("32 tokens");
    }

    @Test
    void shouldRenderChatsInChatMlAndStopAtTheEndOfTurn() {
        var chat = accepted(request("tiny", null, List.of(new ChatMessage("system", "be brief"),
                new ChatMessage("user", "模型")), 5));
        assertThat(chat.promptTokenIds().getFirst()).isEqualTo(SpecialTokens.IM_START_ID);
        assertThat(chat.promptTokenIds()).contains(SpecialTokens.IM_END_ID);
        assertThat(chat.stopTokenIds()).containsExactly(SpecialTokens.EOS_ID, SpecialTokens.IM_END_ID);
    }

    private void writeDecoder(String name, String version, int context) {
        ModelPackageWriter.write(store, name, version, "decoder", 0, null, Map.of(), null, dir -> {
            TestTokenizers.files().write(dir);
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), ModelConfig.llama(1, 2, 2, 8, 16,
                    TestTokenizers.VOCAB_SIZE, context, SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, true));
        });
    }

    private static GenerationRequest request(String model, String prompt, List<ChatMessage> messages, int maxTokens) {
        return new GenerationRequest(1, "r1", model, prompt, messages, maxTokens, null, List.of(), false, REPLY, 0, 0);
    }

    private dev.llmplatform.contracts.InferenceRequest accepted(GenerationRequest request) {
        var outcome = preparer.prepare(request);
        assertThat(outcome).isInstanceOf(PromptPreparer.Outcome.Accepted.class);
        return ((PromptPreparer.Outcome.Accepted) outcome).request();
    }

    private dev.llmplatform.contracts.ErrorInfo rejected(GenerationRequest request) {
        var outcome = preparer.prepare(request);
        assertThat(outcome).isInstanceOf(PromptPreparer.Outcome.Rejected.class);
        return ((PromptPreparer.Outcome.Rejected) outcome).error();
    }
}
