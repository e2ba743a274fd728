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

    /**
     * Llama 3.1's (tools branch left out): {@code {{-}} and {@code {%-} trimming everywhere, a default
     * date when none is passed, the system message sliced off the list.
     */
    private static final String LLAMA_3_1 = """
            {{- bos_token }}
            {%- if not date_string is defined %}
                {%- set date_string = "26 Jul 2024" %}
            {%- endif %}
            {%- if messages[0]['role'] == 'system' %}
                {%- set system_message = messages[0]['content']|trim %}
                {%- set messages = messages[1:] %}
            {%- else %}
                {%- set system_message = "" %}
            {%- endif %}
            {{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
            {{- "Cutting Knowledge Date: December 2023\\n" }}
            {{- "Today Date: " + date_string + "\\n\\n" }}
            {{- system_message }}
            {{- "<|eot_id|>" }}
            {%- for message in messages %}
                {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
            {%- endif %}
            """;

    /**
     * Qwen3's (tools branch left out): a namespace with an expression argument, a reversed slice,
     * Python's startswith/endswith/split/strip/lstrip/rstrip, and thinking kept only after the last query.
     */
    private static final String QWEN_3 = """
            {%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
            {%- for message in messages[::-1] %}
                {%- set index = (messages|length - 1) - loop.index0 %}
                {%- if ns.multi_step_tool and message.role == "user" and message.content is string and not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}
                    {%- set ns.multi_step_tool = false %}
                    {%- set ns.last_query_index = index %}
                {%- endif %}
            {%- endfor %}
            {%- for message in messages %}
                {%- if message.content is string %}
                    {%- set content = message.content %}
                {%- else %}
                    {%- set content = '' %}
                {%- endif %}
                {%- if (message.role == "user") or (message.role == "system" and not loop.first) %}
                    {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}
                {%- elif message.role == "assistant" %}
                    {%- set reasoning_content = '' %}
                    {%- if '</think>' in content %}
                        {%- set reasoning_content = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}
                        {%- set content = content.split('</think>')[-1].lstrip('\\n') %}
                    {%- endif %}
                    {%- if loop.index0 > ns.last_query_index %}
                        {{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}
                    {%- else %}
                        {{- '<|im_start|>' + message.role + '\\n' + content }}
                    {%- endif %}
                    {{- '<|im_end|>\\n' }}
                {%- elif message.role == "system" %}
                    {{- '<|im_start|>system\\n' + content + '<|im_end|>\\n' }}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
                {%- if enable_thinking is defined and enable_thinking is false %}
                    {{- '<think>\\n\\n</think>\\n\\n' }}
                {%- endif %}
            {%- endif %}
            """;

    @Test
    void shouldTrimAroundDashedTagsAsLlama31sTemplateNeeds() {
        List<ChatMessage> chat = List.of(new ChatMessage("system", " be brief "), new ChatMessage("user", " hi "));

        assertThat(new ChatTemplate(LLAMA_3_1, "<|begin_of_text|>", "<|eot_id|>").render(chat, true)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                        + "be brief<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void shouldRenderQwen3sTemplateWithNamespacesReversedSlicesAndPythonStringMethods() {
        List<ChatMessage> chat = List.of(new ChatMessage("system", "be brief"), new ChatMessage("user", "hi"),
                new ChatMessage("assistant", "<think>\nsay hello\n</think>\n\nhello"), new ChatMessage("user", "more"));

        assertThat(new ChatTemplate(QWEN_3, null, "<|im_end|>").render(chat, true)).isEqualTo(
                "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n"
                        // before the last user turn: the thinking is dropped
                        + "<|im_start|>assistant\nhello<|im_end|>\n<|im_start|>user\nmore<|im_end|>\n"
                        + "<|im_start|>assistant\n");
        assertThat(new ChatTemplate(QWEN_3, null, "<|im_end|>").render(chat.subList(0, 3), false)).isEqualTo(
                "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n"
                        // after it: kept, re-wrapped
                        + "<|im_start|>assistant\n<think>\nsay hello\n</think>\n\nhello<|im_end|>\n");
    }

    @Test
    void shouldPassChatTemplateKwargsToTheTemplateSoQwen3WritesAnEmptyThinkBlockWhenThinkingIsDisabled() {
        ChatTemplate qwen3 = new ChatTemplate(QWEN_3, null, "<|im_end|>");
        List<ChatMessage> chat = List.of(new ChatMessage("user", "hi"));

        assertThat(qwen3.render(chat, true, java.util.Map.of("enable_thinking", false)))
                .isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(qwen3.render(chat, true, java.util.Map.of("enable_thinking", true))).isEqualTo(qwen3.render(chat, true));
        assertThat(qwen3.render(chat, true, null)).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(qwen3.render(chat, true, java.util.Map.of("messages", List.of(), "add_generation_prompt", false)))
                .as("kwargs cannot replace the conversation").isEqualTo(qwen3.render(chat, true));
    }

    @Test
    void shouldOfferPythonsStringAndDictMethods() {
        String template = "{{ ' a b '.split()|join('|') }};{{ 'a,b,,c'.split(',')|join('|') }};{{ 'a,b,c'.split(',', 1)|join('|') }};"
                + "{{ 'xxhixx'.strip('x') }};{{ '  hi'.lstrip() }}!;{{ 'hi!!'.rstrip('!') }};"
                + "{{ 'abc'.startswith(('x', 'a')) }};{{ 'abc'.endswith('bc') }};{{ 'hello world'.title() }};"
                + "{{ 'MiXed'.lower() }}{{ 'MiXed'.upper() }};{{ 'banana'.count('an') }};{{ '-'.join(['a', 'b']) }};"
                + "{% for k, v in {'k': 'v'}.items() %}{{ k }}={{ v }}{% endfor %};{{ {'k': 1}.get('x', 2) }}";

        assertThat(new ChatTemplate(template, null, null).render(CHAT, false))
                .isEqualTo("a|b;a|b||c;a|b,c;hi;hi!;hi;true;true;Hello World;mixedMIXED;2;a-b;k=v;2");
    }

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
