package dev.llmplatform.tokenizer.hf;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.text.ChatTemplate;
import dev.llmplatform.tokenizer.text.ModelTokenizer;
import dev.llmplatform.tokenizer.text.TokenizerCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fixtures' chat templates (each family's own, from its tokenizer_config.json) rendered for a
 * two-turn conversation. The expected strings are written by hand from the templates as Hugging Face's
 * {@code apply_chat_template} runs them: Jinja2 with {@code trim_blocks} and {@code lstrip_blocks},
 * {@code bos_token}/{@code eos_token} from tokenizer_config.json, {@code add_generation_prompt=True}.
 */
class HfChatTemplatesTest {

    private static final List<ChatMessage> TWO_TURNS = List.of(
            new ChatMessage("user", "Hi there"),
            new ChatMessage("assistant", "Hello! How can I help?"),
            new ChatMessage("user", "Tell me a joke."));
    private static final List<ChatMessage> WITH_SYSTEM = List.of(
            new ChatMessage("system", "You are terse."),
            new ChatMessage("user", "Hi there"),
            new ChatMessage("assistant", "Hello! How can I help?"),
            new ChatMessage("user", "Tell me a joke."));

    @TempDir
    Path store;

    private ModelTokenizer model(String name) {
        HfFixtures.copyInto(name, store);
        return new TokenizerCache(new ModelStore(store), 4).resolve(name).orElseThrow();
    }

    private ChatTemplate template(String name) {
        return model(name).chatTemplate().orElseThrow();
    }

    @Test
    void shouldRenderLlama31WithItsDateHeaderAndStopAtEndOfTurn() {
        ModelTokenizer llama = model("llama3");

        assertThat(llama.chatTemplate().orElseThrow().render(WITH_SYSTEM, true)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are terse.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello! How can I help?<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nTell me a joke.<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(llama.stopTokenIds(true)).contains(465).containsAll(List.of(457, 464));
        int[] prompt = llama.tokenizer().encode(llama.chatTemplate().orElseThrow().render(TWO_TURNS, true));
        assertThat(prompt[0]).as("bos_token rendered by the template, encoded as the special token").isEqualTo(456);
    }

    @Test
    void shouldRenderQwen25ChatMlWithItsDefaultSystemPrompt() {
        assertThat(template("qwen2").render(TWO_TURNS, true)).isEqualTo(
                "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nHi there<|im_end|>\n"
                        + "<|im_start|>assistant\nHello! How can I help?<|im_end|>\n"
                        + "<|im_start|>user\nTell me a joke.<|im_end|>\n"
                        + "<|im_start|>assistant\n");
        assertThat(template("qwen2").render(WITH_SYSTEM, false)).startsWith("<|im_start|>system\nYou are terse.<|im_end|>\n"
                + "<|im_start|>user\n").endsWith("Tell me a joke.<|im_end|>\n");
    }

    @Test
    void shouldRenderQwen3WithoutASystemTurnUnlessGiven() {
        assertThat(template("qwen3").render(TWO_TURNS, true)).isEqualTo(
                "<|im_start|>user\nHi there<|im_end|>\n"
                        + "<|im_start|>assistant\nHello! How can I help?<|im_end|>\n"
                        + "<|im_start|>user\nTell me a joke.<|im_end|>\n"
                        + "<|im_start|>assistant\n");
        assertThat(model("qwen3").stopTokenIds(true)).contains(438, 436);
    }

    @Test
    void shouldRenderSmolLm2ChatMlWithItsDefaultSystemPrompt() {
        assertThat(template("smollm2").render(TWO_TURNS, true)).isEqualTo(
                "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                        + "<|im_start|>user\nHi there<|im_end|>\n"
                        + "<|im_start|>assistant\nHello! How can I help?<|im_end|>\n"
                        + "<|im_start|>user\nTell me a joke.<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void shouldRenderMistralInstWithBosAndEosAndRefuseASystemTurn() {
        ChatTemplate mistral = template("mistral");

        assertThat(mistral.render(TWO_TURNS, true)).isEqualTo(
                "<s>[INST] Hi there [/INST]Hello! How can I help?</s>[INST] Tell me a joke. [/INST]");
        assertThatThrownBy(() -> mistral.render(WITH_SYSTEM, true)).isInstanceOf(ChatTemplate.RenderException.class)
                .hasMessageContaining("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void shouldRenderZephyrStyleTinyLlamaWithEosAfterEveryTurn() {
        assertThat(template("tinyllama").render(WITH_SYSTEM, true)).isEqualTo(
                "<|system|>\nYou are terse.</s>\n"
                        + "<|user|>\nHi there</s>\n"
                        + "<|assistant|>\nHello! How can I help?</s>\n"
                        + "<|user|>\nTell me a joke.</s>\n"
                        + "<|assistant|>\n");
    }

    @Test
    void shouldHaveNoChatTemplateForGpt2() {
        assertThat(model("gpt2").chatTemplate()).isEmpty();
    }
}
