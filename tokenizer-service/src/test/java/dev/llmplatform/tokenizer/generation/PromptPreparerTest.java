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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PromptPreparerTest {

    private static final ReplyTo REPLY = new ReplyTo("replies", 0);
    /** Zephyr's turn format with our tokenizer's EOS, refusing roles it does not know. */
    private static final String ZEPHYR_STYLE = "{% for message in messages %}"
            + "{% if message['role'] not in ['system', 'user', 'assistant'] %}"
            + "{{ raise_exception('unknown role ' + message['role']) }}{% endif %}"
            + "{{ '<|' + message['role'] + '|>\\n' + message['content'] + eos_token + '\\n' }}"
            + "{% if loop.last and add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}{% endfor %}";

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
    void shouldPassOnHowManyAlternativesThePromptsTokensShouldCarry() {
        GenerationRequest plain = request("tiny", "the model", null, 5);
        GenerationRequest echo = new GenerationRequest(1, "r1", "tiny", "the model", null, 5, null, List.of(), false,
                REPLY, 0, 0, 2);
        assertThat(accepted(plain).promptLogprobs()).isNull();
        assertThat(accepted(echo).promptLogprobs()).isEqualTo(2);
    }

    @Test
    void shouldPassThePriorityOnAndGiveABatchRequestWithoutOneTheBatchPriority() {
        GenerationRequest urgent = new GenerationRequest(1, "r1", "tiny", "the model", null, 5, null, List.of(), false,
                REPLY, 0, 0, null, null, null, -2);
        GenerationRequest unnamed = new GenerationRequest(1, "r2", "tiny", "the model", null, 5, null, List.of(), false,
                REPLY, 0, 0, null);
        assertThat(accepted(urgent).priority()).isEqualTo(-2);
        assertThat(accepted(unnamed).priority()).isEqualTo(GenerationRequest.BATCH_PRIORITY);
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
    void shouldRefuseAPromptOverTheConfiguredBoundBelowTheContextNamingIt() {
        PromptPreparer bounded = new PromptPreparer(new TokenizerCache(store, 4), 8);
        assertThat(bounded.prepare(request("tiny", "the", null, 5))).isInstanceOf(PromptPreparer.Outcome.Accepted.class);
        var refused = ((PromptPreparer.Outcome.Rejected) bounded.prepare(request("tiny", "the model ".repeat(6), null, 5))).error();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("prompt_too_long");
        assertThat(refused.param()).isEqualTo("prompt");
        assertThat(refused.message()).contains("at most 8 prompt tokens");
        // Past the context, the context's own error (and its code) still applies.
        assertThat(((PromptPreparer.Outcome.Rejected) bounded.prepare(request("tiny:1", "the model ".repeat(40), null, 5)))
                .error().code()).isEqualTo("context_length_exceeded");
    }

    @Test
    void shouldTakeATokenIdPromptAsItIsAndRefuseIdsOutsideTheVocabulary() {
        var accepted = accepted(ids(List.of(5, 6, 7)));
        assertThat(accepted.promptTokenIds()).containsExactly(5, 6, 7);
        assertThat(accepted.decode().promptTokens()).isEqualTo(3);

        var outside = rejected(ids(List.of(5, TestTokenizers.VOCAB_SIZE)));
        assertThat(outside.status()).isEqualTo(400);
        assertThat(outside.param()).isEqualTo("prompt");
        assertThat(outside.message()).contains("Token id " + TestTokenizers.VOCAB_SIZE).contains("vocabulary");
        assertThat(rejected(ids(List.of(-1))).param()).isEqualTo("prompt");
        assertThat(rejected(ids(List.of())).param()).isEqualTo("prompt");
        assertThat(rejected(ids(java.util.Collections.nCopies(500, 5))).code()).isEqualTo("context_length_exceeded");
    }

    private static GenerationRequest ids(List<Integer> tokenIds) {
        return new GenerationRequest(1, "r1", "tiny", null, null, 5, null, List.of(), false, REPLY, 0, 0, null, tokenIds);
    }

    @Test
    void shouldRenderChatsInChatMlAndStopAtTheEndOfTurn() {
        var chat = accepted(request("tiny", null, List.of(new ChatMessage("system", "be brief"),
                new ChatMessage("user", "模型")), 5));
        assertThat(decode(chat.promptTokenIds())).isEqualTo("<|im_start|>system\nbe brief<|im_end|>\n"
                + "<|im_start|>user\n模型<|im_end|>\n<|im_start|>assistant\n");
        assertThat(chat.stopTokenIds()).containsExactly(SpecialTokens.EOS_ID, SpecialTokens.IM_END_ID);
    }

    @Test
    void shouldRenderTheModelsOwnTemplateAndStopAtItsEos() {
        writeDecoder("zephyr", "1", 64, ZEPHYR_STYLE);
        var chat = accepted(request("zephyr", null, List.of(new ChatMessage("user", "模型")), 5));
        assertThat(decode(chat.promptTokenIds())).isEqualTo("<|user|>\n模型<|endoftext|>\n<|assistant|>\n");
        assertThat(chat.stopTokenIds()).containsExactly(SpecialTokens.EOS_ID);
    }

    @Test
    void shouldRejectAChatTheTemplateRefuses() {
        writeDecoder("zephyr", "1", 64, ZEPHYR_STYLE);
        var error = rejected(request("zephyr", null, List.of(new ChatMessage("tool", "x")), 5));
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("messages");
        assertThat(error.message()).contains("unknown role tool");
    }

    @Test
    void shouldFallBackToChatMlOnlyWhenTheModelDeclaresNoTemplate() {
        writeDecoder("old", "1", 64, null);
        var chat = accepted(request("old", null, List.of(new ChatMessage("user", "hi")), 5));
        assertThat(decode(chat.promptTokenIds())).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(chat.stopTokenIds()).containsExactly(SpecialTokens.EOS_ID, SpecialTokens.IM_END_ID);
    }

    private void writeDecoder(String name, String version, int context) {
        ModelPackageWriter.write(store, name, version, "decoder", 0, null, Map.of(), null, dir -> {
            TestTokenizers.files().write(dir);
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), ModelConfig.llama(1, 2, 2, 8, 16,
                    TestTokenizers.VOCAB_SIZE, context, SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, true));
        });
    }

    /** A decoder whose tokenizer_config.json declares {@code chatTemplate} (none when null). */
    private void writeDecoder(String name, String version, int context, String chatTemplate) {
        Map<String, Object> tokenizerConfig = new LinkedHashMap<>(Map.of("bos_token", SpecialTokens.END_OF_TEXT,
                "eos_token", SpecialTokens.END_OF_TEXT));
        if (chatTemplate != null) {
            tokenizerConfig.put("chat_template", chatTemplate);
        }
        ModelPackageWriter.write(store, name, version, "decoder", 0, null, Map.of(), null, dir -> {
            TestTokenizers.files().write(dir);
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.TOKENIZER_CONFIG), tokenizerConfig);
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), ModelConfig.llama(1, 2, 2, 8, 16,
                    TestTokenizers.VOCAB_SIZE, context, SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, true));
        });
    }

    private static String decode(List<Integer> ids) {
        return TestTokenizers.tokenizer().decode(ids.stream().mapToInt(Integer::intValue).toArray());
    }

    private static GenerationRequest request(String model, String prompt, List<ChatMessage> messages, int maxTokens) {
        return new GenerationRequest(1, "r1", model, prompt, messages, maxTokens, null, List.of(), false, REPLY, 0, 0, null);
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
