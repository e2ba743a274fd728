package dev.llmplatform.training.corpus;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import dev.llmplatform.tokenizer.text.ChatTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Seeded chats of the {@link ToolWorld}, rendered by the platform's own ChatML template exactly as a request with
 * {@code tools} is rendered when served: the offered tools, one or two questions, each answered by a call, the tool's
 * response and a reply that reads it (or a greeting answered in text). Calls are written in the compact form the
 * gateway's {@code tool_choice: auto} guard enforces, so the model's natural call is one the guard allows.
 *
 * <p>Conversation {@code i} depends only on (seed, i), as {@link SyntheticCorpus}'s documents do.
 */
public final class ToolConversations {

    private static final ChatTemplate TEMPLATE = ChatTemplate.chatMl(SpecialTokens.END_OF_TEXT, SpecialTokens.END_OF_TEXT);
    private static final List<String> SYSTEM_PROMPTS = List.of("Answer briefly.", "You are a helpful assistant.");

    private final long seed;

    public ToolConversations(long seed) {
        this.seed = seed;
    }

    public List<String> documents(int count) {
        return IntStream.range(0, count).mapToObj(this::document).toList();
    }

    public String document(int index) {
        SplittableRandom random = new SplittableRandom(SyntheticCorpus.mix(seed ^ 0x7001L, index));
        List<ToolWorld.Exchange> exchanges = new ArrayList<>();
        exchanges.add(ToolWorld.exchange(random));
        if (random.nextInt(4) == 0) {
            exchanges.add(ToolWorld.exchange(random));
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (random.nextInt(4) == 0) {
            messages.add(new ChatMessage("system", SYSTEM_PROMPTS.get(random.nextInt(SYSTEM_PROMPTS.size()))));
        }
        int calls = 0;
        for (ToolWorld.Exchange exchange : exchanges) {
            messages.add(new ChatMessage("user", exchange.question()));
            if (exchange.tool() != null) {
                String id = "call_" + calls++;
                messages.add(new ChatMessage("assistant", "",
                        List.of(new ChatMessage.ToolCall(id, exchange.tool(), exchange.arguments())), null));
                messages.add(new ChatMessage("tool", exchange.result(), null, id));
            }
            messages.add(new ChatMessage("assistant", exchange.reply()));
        }
        return TEMPLATE.render(messages, false, null, tools(ToolWorld.offered(random, exchanges)));
    }

    /** The offered tools in OpenAI's request shape, as the gateway hands them to the template. */
    public static List<Map<String, Object>> tools(List<String> names) {
        return names.stream().map(name -> Map.<String, Object>of("type", "function",
                "function", Map.of("name", name, "parameters", ToolWorld.parameters(name)))).toList();
    }
}
