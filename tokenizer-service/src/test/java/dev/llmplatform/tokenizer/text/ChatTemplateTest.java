package dev.llmplatform.tokenizer.text;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.tokenizer.TestTokenizers;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatTemplateTest {

    private static final List<ChatMessage> CHAT = List.of(new ChatMessage("system", "be brief"),
            new ChatMessage("user", " 模型 "));

    /** Zephyr's template as its tokenizer_config.json holds it (newlines are real once the JSON is read). */
    private static final String ZEPHYR = """
            {% for message in messages %}
            {% if message['role'] == 'user' %}
            {{ '<|user|>
            ' + message['content'] + eos_token }}
            {% elif message['role'] == 'system' %}
            {{ '<|system|>
            ' + message['content'] + eos_token }}
            {% elif message['role'] == 'assistant' %}
            {{ '<|assistant|>
            '  + message['content'] + eos_token }}
            {% endif %}
            {% if loop.last and add_generation_prompt %}
            {{ '<|assistant|>' }}
            {% endif %}
            {% endfor %}""";

    /** Llama 2's template: a system turn folded into the first user turn, roles must alternate. */
    private static final String LLAMA_2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
            + "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
            + "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
            + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
            + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
            + "{% if loop.index0 == 0 and system_message != false %}"
            + "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
            + "{% else %}{% set content = message['content'] %}{% endif %}"
            + "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
            + "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

    /** Llama 3's: |trim on the content only, a BOS before the first turn. */
    private static final String LLAMA_3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}"
            + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    @Test
    void shouldRenderTheTrainedTokenizersChatMlTemplate() {
        TokenizerConfig config = TokenizerConfig.parse(TestTokenizers.files().tokenizerConfigJson());
        ChatTemplate template = new ChatTemplate(config.chatTemplate(), config.bosToken(), config.eosToken());

        assertThat(template.render(CHAT, true)).isEqualTo(
                "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\n 模型 <|im_end|>\n<|im_start|>assistant\n");
        assertThat(template.render(CHAT, false)).isEqualTo(
                "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\n 模型 <|im_end|>\n");
        assertThat(template.endOfTurnToken()).contains(SpecialTokens.IM_END);
    }

    @Test
    void shouldRenderZephyrWithItsEosAsEndOfTurn() {
        ChatTemplate template = new ChatTemplate(ZEPHYR, "<s>", "</s>");

        assertThat(template.render(CHAT, true)).isEqualTo("<|system|>\nbe brief</s>\n<|user|>\n 模型 </s>\n<|assistant|>\n");
        assertThat(template.render(CHAT, false)).isEqualTo("<|system|>\nbe brief</s>\n<|user|>\n 模型 </s>\n");
        assertThat(template.endOfTurnToken()).contains("</s>");
    }

    @Test
    void shouldRenderLlamaTemplatesWithSlicesStripAndTrim() {
        List<ChatMessage> chat = List.of(new ChatMessage("system", "be brief"), new ChatMessage("user", " hi "),
                new ChatMessage("assistant", "hello "), new ChatMessage("user", "again"));

        assertThat(new ChatTemplate(LLAMA_2, "<s>", "</s>").render(chat, true)).isEqualTo(
                "<s>[INST] <<SYS>>\nbe brief\n<</SYS>>\n\n hi [/INST] hello </s><s>[INST] again [/INST]");
        assertThat(new ChatTemplate(LLAMA_3, "<|begin_of_text|>", "<|eot_id|>").render(chat.subList(1, 2), true))
                .isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void shouldReportTheTemplatesOwnRefusal() {
        List<ChatMessage> notAlternating = List.of(new ChatMessage("user", "a"), new ChatMessage("user", "b"));

        assertThatThrownBy(() -> new ChatTemplate(LLAMA_2, "<s>", "</s>").render(notAlternating, true))
                .isInstanceOf(ChatTemplate.RenderException.class)
                .hasMessageContaining("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void shouldFailOnTemplatesThatCannotRender() {
        assertThatThrownBy(() -> new ChatTemplate("{% for message in %}", null, null).render(CHAT, true))
                .isInstanceOf(ChatTemplate.RenderException.class).hasMessageStartingWith("cannot render the chat template");
        assertThatThrownBy(() -> new ChatTemplate("{{ no_such_function() }}", null, null).render(CHAT, true))
                .isInstanceOf(ChatTemplate.RenderException.class).hasMessageContaining("no_such_function");
    }
}
