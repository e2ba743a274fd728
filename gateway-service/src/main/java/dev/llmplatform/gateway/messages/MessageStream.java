package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.messages.MessageEvents.BlockDelta;
import dev.llmplatform.gateway.messages.MessageEvents.ContentBlockDelta;
import dev.llmplatform.gateway.messages.MessageEvents.ContentBlockStart;
import dev.llmplatform.gateway.messages.MessageEvents.ContentBlockStop;
import dev.llmplatform.gateway.messages.MessageEvents.DeltaUsage;
import dev.llmplatform.gateway.messages.MessageEvents.Ending;
import dev.llmplatform.gateway.messages.MessageEvents.MessageDelta;
import dev.llmplatform.gateway.messages.MessageEvents.MessageStart;
import dev.llmplatform.gateway.messages.MessageEvents.MessageStop;
import dev.llmplatform.gateway.messages.MessageEvents.Ping;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessageResponse;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessageUsage;
import dev.llmplatform.gateway.messages.MessagesProtocol.TextBlock;
import dev.llmplatform.gateway.messages.MessagesProtocol.ThinkingBlock;
import dev.llmplatform.gateway.messages.MessagesProtocol.ToolUseBlock;
import dev.llmplatform.gateway.reasoning.ReasoningSplitter;
import dev.llmplatform.gateway.serving.IndexedEvent;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.tools.ToolCallSplitter;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * One message streamed as Anthropic streams it: {@code message_start}, {@code ping}, for each content
 * block {@code content_block_start}, {@code content_block_delta}s ({@code thinking_delta},
 * {@code text_delta} or a {@code tool_use} block's {@code input_json_delta}) and {@code content_block_stop}, then {@code message_delta} (stop reason, usage) and
 * {@code message_stop}; each SSE event named by its type. As for chat, the status line waits for the
 * generation's first event: a request failed before any output (a prompt over the context) is an HTTP
 * error in Anthropic's shape; a failure after that is an {@code error} event, which ends the stream.
 * Not thread-safe: one per response, used by one subscriber.
 */
final class MessageStream implements ContentBlocks.Sink {

    private final JsonMapper json;
    private final ResponseId id;
    private final int maxTokens;
    private final ContentBlocks blocks;
    private final AnthropicErrors errors = new AnthropicErrors();
    private final List<ServerSentEvent<String>> out = new ArrayList<>();
    private int inputTokens;
    private int tokens;
    private boolean ended;

    private MessageStream(JsonMapper json, ResponseId id, int maxTokens, ReasoningSplitter splitter,
                          boolean showThinking, ToolCallSplitter toolCalls) {
        this.json = json;
        this.id = id;
        this.maxTokens = maxTokens;
        this.blocks = new ContentBlocks(splitter, showThinking, toolCalls, this);
    }

    /**
     * @param inputTokens the rendered prompt's token count, for {@code message_start} (the generation's own
     *                    count comes only with its last event); asked for while the generation starts
     * @param toolCalls   reads the answer for tool calls; null without tools
     */
    static Flux<ServerSentEvent<String>> render(Flux<IndexedEvent> events, Mono<Integer> inputTokens, ResponseId id,
                                                int maxTokens, ReasoningSplitter splitter, boolean showThinking,
                                                ToolCallSplitter toolCalls, JsonMapper json) {
        return events.switchOnFirst((first, all) -> {
            if (first.hasValue() && first.get().event() instanceof GenerationEvent.Failed failed) {
                return Flux.error(new ApiException(failed.error()));
            }
            if (first.isOnError()) {
                return Flux.error(first.getThrowable());
            }
            MessageStream stream = new MessageStream(json, id, maxTokens, splitter, showThinking, toolCalls);
            return inputTokens.flatMapMany(count -> Flux.fromIterable(stream.start(count))
                    .concatWith(all.concatMapIterable(event -> stream.on(event.event()))
                            .concatWith(Flux.defer(() -> Flux.fromIterable(stream.endedWithoutResult())))
                            .onErrorResume(e -> Mono.just(stream.error(e)))));
        });
    }

    private List<ServerSentEvent<String>> start(int promptTokens) {
        inputTokens = promptTokens;
        MessageResponse message = new MessageResponse(id.id(), MessagesProtocol.MESSAGE, MessagesProtocol.ASSISTANT,
                id.model(), List.of(), null, null, new MessageUsage(promptTokens, 0));
        return List.of(event(MessageEvents.MESSAGE_START, new MessageStart(message)),
                event(MessageEvents.PING, Ping.INSTANCE));
    }

    private List<ServerSentEvent<String>> on(GenerationEvent event) {
        out.clear();
        switch (event) {
            case GenerationEvent.Delta delta -> {
                tokens += delta.tokenIds().size();
                blocks.accept(delta.text());
            }
            case GenerationEvent.Completed done -> {
                tokens += done.tokenIds().size();
                blocks.accept(done.text());
                blocks.finish();
                StopReasons end = StopReasons.of(done, maxTokens, tokens).withToolUses(blocks.toolUses());
                int input = done.usage() != null ? end.inputTokens() : inputTokens;
                out.add(event(MessageEvents.MESSAGE_DELTA, new MessageDelta(new Ending(end.stopReason(),
                        end.stopSequence()), new DeltaUsage(input, end.outputTokens()))));
                out.add(event(MessageEvents.MESSAGE_STOP, MessageStop.INSTANCE));
                ended = true;
            }
            case GenerationEvent.Failed failed -> throw new ApiException(failed.error());
            default -> {
            }
        }
        return List.copyOf(out);
    }

    private List<ServerSentEvent<String>> endedWithoutResult() {
        return ended ? List.of() : List.of(error(new ApiException(new ErrorInfo(502, "server_error",
                "The generation ended without a result", null, null))));
    }

    private ServerSentEvent<String> error(Throwable failure) {
        ErrorInfo error = failure instanceof ApiException api ? api.error()
                : ErrorInfo.internal("The server had an error while processing your request");
        return event(MessageEvents.ERROR, errors.body(error));
    }

    @Override
    public void open(int index, String type) {
        out.add(event(MessageEvents.CONTENT_BLOCK_START, new ContentBlockStart(index,
                ContentBlocks.THINKING.equals(type) ? ThinkingBlock.of("") : TextBlock.of(""))));
    }

    @Override
    public void openToolUse(int index, String callId, String name) {
        out.add(event(MessageEvents.CONTENT_BLOCK_START, new ContentBlockStart(index,
                ToolUseBlock.of(callId, name, json.createObjectNode()))));
    }

    @Override
    public void append(int index, String type, String text) {
        out.add(event(MessageEvents.CONTENT_BLOCK_DELTA, new ContentBlockDelta(index, switch (type) {
            case ContentBlocks.THINKING -> BlockDelta.thinking(text);
            case ContentBlocks.TOOL_USE -> BlockDelta.inputJson(text);
            default -> BlockDelta.text(text);
        })));
    }

    @Override
    public void close(int index) {
        out.add(event(MessageEvents.CONTENT_BLOCK_STOP, new ContentBlockStop(index)));
    }

    /**
     * {@code event: name} and {@code data: {json}} with the space after the colon Anthropic writes (Spring
     * writes none; every SSE parser drops that one space again).
     */
    private ServerSentEvent<String> event(String name, Object data) {
        return ServerSentEvent.builder(" " + json.writeValueAsString(data)).event(" " + name).build();
    }
}
