package dev.llmplatform.tokenizer.text;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.ChatMessage.ToolCall;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The platform's ChatML template with tools (Hermes style, as Qwen2.5's), and tool turns passed to any template. */
class ChatTemplateToolsTest {

    private static final List<Map<String, Object>> TOOLS = List.of(Map.of("type", "function", "function",
            Map.of("name", "get_weather", "parameters", Map.of("type", "object"))));

    private final ChatTemplate chatMl = ChatTemplate.chatMl("<|endoftext|>", "<|endoftext|>");

    @Test
    void shouldListTheToolsByNameInASystemTurnAfterTheRequestsOwnSystemText() {
        String text = chatMl.render(List.of(new ChatMessage("system", "be brief"), new ChatMessage("user", "Paris?")),
                true, null, TOOLS);

        assertThat(text).isEqualTo("<|im_start|>system\nbe brief\n\n<tools>\n{\"name\":\"get_weather\"}\n</tools><|im_end|>\n"
                + "<|im_start|>user\nParis?<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void shouldRenderAnAssistantsCallsAndTheToolsResponse() {
        List<ChatMessage> conversation = List.of(new ChatMessage("user", "Paris?"),
                new ChatMessage("assistant", "", List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null),
                new ChatMessage("tool", "sunny", null, "call_1"));

        String text = chatMl.render(conversation, true, null, TOOLS);

        assertThat(text).endsWith("<|im_start|>user\nParis?<|im_end|>\n"
                + "<|im_start|>assistant\n<tool_call>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}"
                + "</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\nsunny\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void shouldRenderAsBeforeWithoutTools() {
        String text = chatMl.render(List.of(new ChatMessage("user", "hi")), true, null, null);

        assertThat(text).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void shouldGiveAHuggingFaceTemplateTheToolsAndTheCallsArgumentsAsAMapping() {
        ChatTemplate template = new ChatTemplate("{% for t in tools %}{{ t['function']['name'] }};{% endfor %}"
                + "{% for m in messages %}{% for c in m['tool_calls'] or [] %}{{ c['id'] }}:{{ c['function']['arguments']['city'] }};"
                + "{% endfor %}{{ m['tool_call_id'] or '' }}{% endfor %}", null, null);

        String text = template.render(List.of(
                new ChatMessage("assistant", "", List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null),
                new ChatMessage("tool", "sunny", null, "call_1")), false, null, TOOLS);

        assertThat(text).isEqualTo("get_weather;call_1:Paris;call_1");
        assertThat(SpecialTokens.CHATML_TEMPLATE).contains("<tool_call>");
    }
}
