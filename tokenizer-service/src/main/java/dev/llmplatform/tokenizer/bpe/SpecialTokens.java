package dev.llmplatform.tokenizer.bpe;

import java.util.List;

/**
 * The special tokens of the platform's trained tokenizers, at ids 0..3 in this order. One
 * {@code <|endoftext|>} serves as BOS and EOS (GPT-2's convention); ChatML's markers delimit chat turns.
 */
public final class SpecialTokens {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String PAD = "<|pad|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";

    public static final int END_OF_TEXT_ID = 0;
    public static final int PAD_ID = 1;
    public static final int IM_START_ID = 2;
    public static final int IM_END_ID = 3;

    /** Beginning- and end-of-sequence id written to {@code config.json}. */
    public static final int BOS_ID = END_OF_TEXT_ID;
    public static final int EOS_ID = END_OF_TEXT_ID;

    /**
     * The {@code chat_template} our tokenizers declare: ChatML, as Qwen and others ship it
     * ({@code \n} is left for Jinja to unescape). Each turn {@code <|im_start|>role\ncontent<|im_end|>\n},
     * then the assistant's header when a generation prompt is asked for. With {@code tools}, a Hermes-style tools
     * section as Qwen2.5's template writes it, cut to what a 64–128-token context holds: a first system turn (after
     * the request's own system text) listing each tool as {@code {"name":…}} JSON inside {@code <tools></tools>} —
     * names only, since one schema alone takes a couple of hundred tokens of such a vocabulary, and a call's arguments
     * are held to the schema by the gateway's constraint rather than by the prompt; an assistant's calls as
     * {@code <tool_call>{"name":…,"arguments":…}</tool_call>}, compact as the gateway's {@code auto} guard writes
     * them, so a model trained on its own template calls in the form the guard allows; a tool's result as a user turn
     * {@code <tool_response>…</tool_response>}.
     */
    public static final String CHATML_TEMPLATE = "{% if tools %}{{ '" + IM_START + "system\\n' }}"
            + "{% if messages[0]['role'] == 'system' %}{{ messages[0]['content'] + '\\n\\n' }}{% endif %}"
            + "{{ '<tools>' }}{% for tool in tools %}{{ '\\n{\"name\":' + (tool['function']['name'] | tojson) + '}' }}"
            + "{% endfor %}{{ '\\n</tools>" + IM_END + "\\n' }}{% endif %}"
            + "{% for message in messages %}"
            + "{% if tools and loop.first and message['role'] == 'system' %}"
            + "{% elif message['role'] == 'assistant' and message['tool_calls'] %}"
            + "{{ '" + IM_START + "assistant\\n' + message['content'] }}"
            + "{% for call in message['tool_calls'] %}{{ '<tool_call>{\"name\":' + (call['function']['name'] | tojson)"
            + " + ',\"arguments\":' + (call['function']['arguments'] | tojson) + '}</tool_call>' }}{% endfor %}"
            + "{{ '" + IM_END + "\\n' }}"
            + "{% elif message['role'] == 'tool' %}"
            + "{{ '" + IM_START + "user\\n<tool_response>\\n' + message['content'] + '\\n</tool_response>" + IM_END + "\\n' }}"
            + "{% else %}"
            + "{{ '" + IM_START + "' + message['role'] + '\\n' + message['content'] + '" + IM_END + "' + '\\n' }}"
            + "{% endif %}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '" + IM_START + "assistant\\n' }}{% endif %}";

    /** All of them, index = id. */
    public static final List<String> ALL = List.of(END_OF_TEXT, PAD, IM_START, IM_END);

    private SpecialTokens() {
    }
}
