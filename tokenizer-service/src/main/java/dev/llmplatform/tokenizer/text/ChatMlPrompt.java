package dev.llmplatform.tokenizer.text;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;

import java.util.List;

/**
 * Renders chat messages in ChatML, the format the platform's own tokenizers declare in their
 * {@code chat_template}. A stand-in until chat templates are rendered with a Jinja engine: it
 * produces the same text as that template for our models.
 */
public final class ChatMlPrompt {

    private ChatMlPrompt() {
    }

    /** Every turn as {@code <|im_start|>role\ncontent<|im_end|>\n}, then the assistant's header. */
    public static String render(List<ChatMessage> messages) {
        StringBuilder prompt = new StringBuilder();
        for (ChatMessage message : messages) {
            prompt.append(SpecialTokens.IM_START).append(message.role()).append('\n')
                    .append(message.content()).append(SpecialTokens.IM_END).append('\n');
        }
        return prompt.append(SpecialTokens.IM_START).append("assistant\n").toString();
    }
}
