package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.messages.MessagesProtocol.ContentBlock;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessageResponse;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessageUsage;
import dev.llmplatform.gateway.messages.MessagesProtocol.TextBlock;
import dev.llmplatform.gateway.messages.MessagesProtocol.ThinkingBlock;
import dev.llmplatform.gateway.messages.MessagesProtocol.ToolUseBlock;
import dev.llmplatform.gateway.reasoning.ReasoningSplitter;
import dev.llmplatform.gateway.serving.IndexedEvent;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.tools.ToolCallSplitter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * One message answered whole: the generation's events gathered into the content blocks the stream
 * would have sent ({@link ContentBlocks}), its stop reason and usage. A failure fails the answer with
 * its HTTP error. One per response.
 */
final class WholeMessage implements ContentBlocks.Sink {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ResponseId id;
    private final int maxTokens;
    private final ContentBlocks blocks;
    private final List<String> types = new ArrayList<>();
    private final List<StringBuilder> texts = new ArrayList<>();
    private final List<String[]> calls = new ArrayList<>();
    private int tokens;
    private StopReasons end;

    private WholeMessage(ResponseId id, int maxTokens, ReasoningSplitter splitter, boolean showThinking,
                         ToolCallSplitter toolCalls) {
        this.id = id;
        this.maxTokens = maxTokens;
        this.blocks = new ContentBlocks(splitter, showThinking, toolCalls, this);
    }

    /** @param toolCalls reads the answer for tool calls; null without tools */
    static Mono<MessageResponse> of(Flux<IndexedEvent> events, ResponseId id, int maxTokens, ReasoningSplitter splitter,
                                    boolean showThinking, ToolCallSplitter toolCalls) {
        return events.reduceWith(() -> new WholeMessage(id, maxTokens, splitter, showThinking, toolCalls),
                        (message, event) -> message.add(event.event()))
                .map(WholeMessage::response);
    }

    private WholeMessage add(GenerationEvent event) {
        switch (event) {
            case GenerationEvent.Delta delta -> {
                tokens += delta.tokenIds().size();
                blocks.accept(delta.text());
            }
            case GenerationEvent.Completed done -> {
                tokens += done.tokenIds().size();
                blocks.accept(done.text());
                blocks.finish();
                end = StopReasons.of(done, maxTokens, tokens).withToolUses(blocks.toolUses());
            }
            case GenerationEvent.Failed failed -> throw new ApiException(failed.error());
            default -> {
            }
        }
        return this;
    }

    private MessageResponse response() {
        if (end == null) {
            throw new ApiException(new ErrorInfo(502, "server_error", "The generation ended without a result", null,
                    null));
        }
        List<ContentBlock> content = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
            String text = texts.get(i).toString();
            content.add(switch (types.get(i)) {
                case ContentBlocks.THINKING -> ThinkingBlock.of(text);
                case ContentBlocks.TOOL_USE -> ToolUseBlock.of(calls.get(i)[0], calls.get(i)[1], input(text));
                default -> TextBlock.of(text);
            });
        }
        return new MessageResponse(id.id(), MessagesProtocol.MESSAGE, MessagesProtocol.ASSISTANT, id.model(), content,
                end.stopReason(), end.stopSequence(), new MessageUsage(end.inputTokens(), end.outputTokens()));
    }

    /** A call's arguments as an object: a call cut short (by max_tokens) that is no whole object is an empty one. */
    static JsonNode input(String arguments) {
        try {
            JsonNode input = JSON.readTree(arguments);
            if (input != null && input.isObject()) {
                return input;
            }
        } catch (JacksonException e) {
            // cut short: below
        }
        return JSON.createObjectNode();
    }

    @Override
    public void open(int index, String type) {
        types.add(type);
        texts.add(new StringBuilder());
        calls.add(null);
    }

    @Override
    public void openToolUse(int index, String callId, String name) {
        types.add(ContentBlocks.TOOL_USE);
        texts.add(new StringBuilder());
        calls.add(new String[] {callId, name});
    }

    @Override
    public void append(int index, String type, String text) {
        texts.get(index).append(text);
    }

    @Override
    public void close(int index) {
    }
}
