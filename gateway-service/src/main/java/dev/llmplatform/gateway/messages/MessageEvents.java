package dev.llmplatform.gateway.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmplatform.gateway.messages.MessagesProtocol.ContentBlock;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessageResponse;

/** The data of Anthropic's streamed events; each event's SSE name is its {@code type}. */
final class MessageEvents {

    static final String MESSAGE_START = "message_start";
    static final String CONTENT_BLOCK_START = "content_block_start";
    static final String PING = "ping";
    static final String CONTENT_BLOCK_DELTA = "content_block_delta";
    static final String CONTENT_BLOCK_STOP = "content_block_stop";
    static final String MESSAGE_DELTA = "message_delta";
    static final String MESSAGE_STOP = "message_stop";
    static final String ERROR = "error";

    private MessageEvents() {
    }

    /** The message so far: no content, no stop reason, the prompt's tokens. */
    record MessageStart(String type, MessageResponse message) {
        MessageStart(MessageResponse message) {
            this(MESSAGE_START, message);
        }
    }

    record ContentBlockStart(String type, int index, @JsonProperty("content_block") ContentBlock contentBlock) {
        ContentBlockStart(int index, ContentBlock block) {
            this(CONTENT_BLOCK_START, index, block);
        }
    }

    record Ping(String type) {
        static final Ping INSTANCE = new Ping(PING);
    }

    record ContentBlockDelta(String type, int index, BlockDelta delta) {
        ContentBlockDelta(int index, BlockDelta delta) {
            this(CONTENT_BLOCK_DELTA, index, delta);
        }
    }

    /**
     * {@code text_delta} with {@code text}, {@code thinking_delta} with {@code thinking}, or
     * {@code input_json_delta} with {@code partial_json} (a fragment of a tool_use block's input).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BlockDelta(String type, String text, String thinking, @JsonProperty("partial_json") String partialJson) {
        static BlockDelta text(String text) {
            return new BlockDelta("text_delta", text, null, null);
        }

        static BlockDelta thinking(String thinking) {
            return new BlockDelta("thinking_delta", null, thinking, null);
        }

        static BlockDelta inputJson(String fragment) {
            return new BlockDelta("input_json_delta", null, null, fragment);
        }
    }

    record ContentBlockStop(String type, int index) {
        ContentBlockStop(int index) {
            this(CONTENT_BLOCK_STOP, index);
        }
    }

    record MessageDelta(String type, Ending delta, DeltaUsage usage) {
        MessageDelta(Ending delta, DeltaUsage usage) {
            this(MESSAGE_DELTA, delta, usage);
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Ending(@JsonProperty("stop_reason") String stopReason, @JsonProperty("stop_sequence") String stopSequence) {
    }

    /** Cumulative counts at the end, as Anthropic sends them (input tokens included). */
    record DeltaUsage(@JsonProperty("input_tokens") int inputTokens, @JsonProperty("output_tokens") int outputTokens) {
    }

    record MessageStop(String type) {
        static final MessageStop INSTANCE = new MessageStop(MESSAGE_STOP);
    }
}
