package dev.llmplatform.gateway.messages;

import dev.llmplatform.contracts.GenerationEvent;

/**
 * Why a message ended, in Anthropic's words, from the platform's last event of a generation.
 *
 * @param stopReason   {@code end_turn} (a stop token), {@code tool_use} (a stop after tool calls), {@code stop_sequence} (one of {@code stop_sequences},
 *                     named in {@code stopSequence}), {@code max_tokens}, or
 *                     {@code model_context_window_exceeded} (the model's context ended it before {@code max_tokens})
 * @param outputTokens generated tokens, as the engine counted them
 * @param inputTokens  prompt tokens (the rendered conversation), as the tokenizer counted them
 */
record StopReasons(String stopReason, String stopSequence, int outputTokens, int inputTokens) {

    /** {@code tool_use} for a turn that ended by itself after calling tools. */
    StopReasons withToolUses(int toolUses) {
        return toolUses > 0 && "end_turn".equals(stopReason)
                ? new StopReasons("tool_use", null, outputTokens, inputTokens) : this;
    }

    static StopReasons of(GenerationEvent.Completed done, int maxTokens, int tokensSeen) {
        int output = done.usage() != null ? done.usage().completionTokens() : tokensSeen;
        int input = done.usage() != null ? done.usage().promptTokens() : 0;
        return switch (done.finishReason()) {
            case STOP -> done.stopSequence() != null
                    ? new StopReasons("stop_sequence", done.stopSequence(), output, input)
                    : new StopReasons("end_turn", null, output, input);
            case LENGTH -> new StopReasons(output < maxTokens ? "model_context_window_exceeded" : "max_tokens", null,
                    output, input);
            // Cancelled by the platform (the client's own cancel never reaches an answer): the turn ended early.
            case CANCELLED, ERROR -> new StopReasons("end_turn", null, output, input);
        };
    }
}
