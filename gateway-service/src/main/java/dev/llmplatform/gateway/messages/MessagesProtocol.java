package dev.llmplatform.gateway.messages;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** {@code /v1/messages} and {@code /v1/messages/count_tokens} in Anthropic's JSON shape. */
public final class MessagesProtocol {

    public static final String MESSAGE = "message";
    public static final String ASSISTANT = "assistant";

    private MessagesProtocol() {
    }

    /**
     * The request body; unset fields are null. Any field not declared here lands in
     * {@code unrecognized} and is refused with a 400 naming it, as Anthropic refuses extra inputs.
     *
     * @param system        a string or a list of {@code {"type":"text"}} blocks
     * @param maxTokens     required, as Anthropic requires it
     * @param temperature   0..1 (Anthropic's range)
     * @param metadata      {@code user_id} is used as OpenAI's {@code user}
     * @param tools         {@code [{"name","description","input_schema"}]}, mapped onto chat's function tools
     * @param toolChoice    {@code {"type":"auto"|"any"|"none"}} or {@code {"type":"tool","name"}};
     *                      {@code disable_parallel_tool_use} is accepted
     * @param thinking      {@code {"type":"enabled","budget_tokens":n}} or {@code {"type":"disabled"}}; a model
     *                      with a reasoning parser always answers with its thinking unless it is disabled
     */
    public record MessagesRequest(
            String model,
            @Schema(oneOf = {String.class, TextBlockParam[].class}) JsonNode system,
            List<MessageParam> messages,
            @JsonProperty("max_tokens") Integer maxTokens,
            @JsonProperty("stop_sequences") List<String> stopSequences,
            Double temperature,
            @JsonProperty("top_p") Double topP,
            @JsonProperty("top_k") Integer topK,
            Metadata metadata,
            Boolean stream,
            @Schema(implementation = ToolParam[].class) JsonNode tools,
            @JsonProperty("tool_choice") @Schema(implementation = ToolChoiceParam.class) JsonNode toolChoice,
            ThinkingConfig thinking,
            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {

        public boolean isStream() {
            return Boolean.TRUE.equals(stream);
        }
    }

    /** {@code /v1/messages/count_tokens}: what {@link MessagesRequest} renders into the prompt. */
    public record CountTokensRequest(
            String model,
            @Schema(oneOf = {String.class, TextBlockParam[].class}) JsonNode system,
            List<MessageParam> messages,
            @Schema(hidden = true) JsonNode tools,
            @JsonProperty("tool_choice") @Schema(hidden = true) JsonNode toolChoice,
            ThinkingConfig thinking,
            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /** One turn: role {@code user} or {@code assistant}; content a string or a list of text blocks. */
    public record MessageParam(String role, @Schema(oneOf = {String.class, TextBlockParam[].class}) JsonNode content,
                               @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /** For the OpenAPI document: a tool the model may call. */
    public record ToolParam(String name, String description,
                            @JsonProperty("input_schema") Map<String, Object> inputSchema) {
    }

    /** For the OpenAPI document: type auto, any, tool (with name) or none. */
    public record ToolChoiceParam(String type, String name,
                                  @JsonProperty("disable_parallel_tool_use") Boolean disableParallelToolUse) {
    }

    /** For the OpenAPI document: the one kind of content block accepted ({@code cache_control} is accepted and ignored). */
    public record TextBlockParam(String type, String text) {
    }

    /** @param userId an opaque id of the end user, used as OpenAI's {@code user} (hashed in debug logs only) */
    public record Metadata(@JsonProperty("user_id") String userId,
                           @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /** @param budgetTokens accepted; the platform does not cap thinking separately from {@code max_tokens} */
    public record ThinkingConfig(String type, @JsonProperty("budget_tokens") Integer budgetTokens,
                                 @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {

        public boolean disabled() {
            return "disabled".equals(type);
        }
    }

    /** The answer. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record MessageResponse(String id, String type, String role, String model, List<ContentBlock> content,
                                  @JsonProperty("stop_reason") String stopReason,
                                  @JsonProperty("stop_sequence") String stopSequence, MessageUsage usage) {
    }

    /** A {@code thinking} block ({@code thinking}, {@code signature}) or a {@code text} block ({@code text}, {@code citations}). */
    @Schema(oneOf = {ThinkingBlock.class, TextBlock.class, ToolUseBlock.class})
    public sealed interface ContentBlock permits ThinkingBlock, TextBlock, ToolUseBlock {
        String type();
    }

    /** @param signature always empty: the platform signs nothing (Anthropic's is an opaque check of the thinking) */
    public record ThinkingBlock(String type, String thinking, String signature) implements ContentBlock {
        public static ThinkingBlock of(String thinking) {
            return new ThinkingBlock("thinking", thinking, "");
        }
    }

    /** @param citations always null, as Anthropic writes it for text without citations */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TextBlock(String type, String text, List<Object> citations) implements ContentBlock {
        public static TextBlock of(String text) {
            return new TextBlock("text", text, null);
        }
    }

    /**
     * A call of one of the request's tools.
     *
     * @param id    {@code toolu_…}, which a later {@code tool_result} block names
     * @param input the arguments as an object (empty in the stream's {@code content_block_start})
     */
    public record ToolUseBlock(String type, String id, String name, JsonNode input) implements ContentBlock {
        public static ToolUseBlock of(String id, String name, JsonNode input) {
            return new ToolUseBlock("tool_use", id, name, input);
        }
    }

    /** @param inputTokens null in the stream's {@code message_delta} only where unknown (never here) */
    public record MessageUsage(@JsonProperty("input_tokens") int inputTokens,
                               @JsonProperty("output_tokens") int outputTokens) {
    }

    public record CountTokensResponse(@JsonProperty("input_tokens") int inputTokens) {
    }

    /** Anthropic's error body: {@code {"type":"error","error":{"type","message"}}}. */
    public record ErrorResponse(String type, ErrorDetail error) {
        public static ErrorResponse of(String type, String message) {
            return new ErrorResponse("error", new ErrorDetail(type, message));
        }
    }

    public record ErrorDetail(String type, String message) {
    }
}
