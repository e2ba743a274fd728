package dev.llmplatform.gateway.responses;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmplatform.gateway.serving.SamplingRequest;
import dev.llmplatform.gateway.structured.StructuredOutputs;
import dev.llmplatform.gateway.serving.StreamOptions;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * {@code /v1/responses} in OpenAI's Responses shape (snake_case), with the platform's sampling
 * extras as chat has them (vLLM's names). Stream events are in {@link ResponsesEvents}.
 */
public final class ResponsesProtocol {

    public static final String OBJECT = "response";
    public static final String LOGPROBS_INCLUDE = "message.output_text.logprobs";

    private ResponsesProtocol() {
    }

    /**
     * The request body; unset fields are null. Any field not declared here lands in
     * {@code unrecognized} and is refused with a 400 naming it. Hosted {@code tools}, {@code background: true}, {@code reasoning} settings and
     * {@code truncation: "auto"} are declared only to be refused by name.
     *
     * @param input              a string (one user message) or a list of message items
     * @param instructions       a system message put before the conversation (not carried on by
     *                           {@code previous_response_id}, as OpenAI does)
     * @param include            only {@value #LOGPROBS_INCLUDE}
     * @param store              default true: kept for {@code GET /v1/responses/{id}} and {@code previous_response_id}
     * @param previousResponseId a stored response whose input and output come before {@code input}
     * @param chatTemplateKwargs vLLM's, as chat: variables for the model's chat template ({@code {"enable_thinking": false}})
     * @param priority           vLLM's, as chat: scheduling priority, lower served first
     */
    public record ResponsesRequest(
            String model,
            @Schema(oneOf = {String.class, InputMessage[].class}) JsonNode input,
            String instructions,
            @JsonProperty("max_output_tokens") Integer maxOutputTokens,
            Double temperature,
            @JsonProperty("top_p") Double topP,
            @JsonProperty("top_logprobs") Integer topLogprobs,
            List<String> include,
            TextConfig text,
            Boolean stream,
            Boolean store,
            @JsonProperty("previous_response_id") String previousResponseId,
            Map<String, String> metadata,
            String user,
            @Schema(description = "Function tools {\"type\": \"function\", \"name\", \"description\", \"parameters\", \"strict\"}; hosted tools are a 400") JsonNode tools,
            @JsonProperty("tool_choice") @Schema(description = "none, auto, required or {\"type\": \"function\", \"name\"}") JsonNode toolChoice,
            @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
            @Schema(description = "Not supported yet: only false") Boolean background,
            @Schema(description = "Not supported yet: only absent") JsonNode reasoning,
            @Schema(description = "Only \"disabled\"") String truncation,
            @JsonProperty("top_k") Integer topK,
            @JsonProperty("min_p") Double minP,
            @JsonProperty("presence_penalty") Double presencePenalty,
            @JsonProperty("frequency_penalty") Double frequencyPenalty,
            @JsonProperty("repetition_penalty") Double repetitionPenalty,
            Long seed,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> stop,
            @JsonProperty("logit_bias") Map<String, Double> logitBias,
            @JsonProperty("min_tokens") Integer minTokens,
            @JsonProperty("ignore_eos") Boolean ignoreEos,
            @JsonProperty("chat_template_kwargs") Map<String, Object> chatTemplateKwargs,
            Integer priority,
            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) implements SamplingRequest {

        @Override
        public Integer requestedMaxTokens() {
            return maxOutputTokens;
        }

        @Override
        public String maxTokensParam() {
            return "max_output_tokens";
        }

        @Override
        public boolean maxTokensDefaultsToContext() {
            return true;
        }

        /** The Responses API has no {@code stream_options} the platform implements. */
        @Override
        public StreamOptions streamOptions() {
            return null;
        }

        /** One output per response. */
        @Override
        public Integer n() {
            return null;
        }

        /** {@code text.format} as an output constraint (the validator has checked its shape). */
        @Override
        public StructuredOutputs.Requested structuredOutput() {
            return text == null || text.format() == null ? null
                    : StructuredOutputs.ofTextFormat(text.format().type(), text.format().schema());
        }

        public boolean stores() {
            return !Boolean.FALSE.equals(store);
        }

        public boolean wantsLogprobs() {
            return include != null && include.contains(LOGPROBS_INCLUDE);
        }
    }

    /** For the OpenAPI document: a message item of {@code input}. */
    public record InputMessage(@Schema(description = "\"message\", or left out") String type,
                               @Schema(description = "user, assistant, system or developer") String role,
                               @Schema(oneOf = {String.class, InputText[].class}) Object content) {
    }

    /** For the OpenAPI document: a text part ({@code output_text} too, in an assistant message). */
    public record InputText(@Schema(description = "input_text") String type, String text) {
    }

    /** {@code text}: its {@code format} (text, json_object or json_schema). */
    public record TextConfig(TextFormat format,
                             @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /**
     * {@code text.format}: {@code text}, {@code json_object}, or {@code json_schema} with its {@code name},
     * {@code schema}, {@code strict} and {@code description} beside the type, as OpenAI's Responses API puts them;
     * enforced by the engine's constrained decoding as chat's {@code response_format} is.
     */
    public record TextFormat(String type, String name, JsonNode schema, Boolean strict, String description,
                             @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /** A response, whole, stored, or as a stream event carries it. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ResponseBody(String id, String object, @JsonProperty("created_at") long createdAt, String status,
                               ResponseError error,
                               @JsonProperty("incomplete_details") IncompleteDetails incompleteDetails,
                               String instructions, @JsonProperty("max_output_tokens") Integer maxOutputTokens,
                               String model, List<OutputItem> output,
                               @JsonProperty("parallel_tool_calls") boolean parallelToolCalls,
                               @JsonProperty("previous_response_id") String previousResponseId,
                               ReasoningConfig reasoning, boolean store, Double temperature, TextBody text,
                               @JsonProperty("tool_choice") Object toolChoice, List<Object> tools,
                               @JsonProperty("top_p") Double topP, @JsonProperty("top_logprobs") Integer topLogprobs,
                               String truncation, ResponseUsage usage, String user, Map<String, String> metadata) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ResponseError(String code, String message) {
    }

    /** @param reason {@code max_output_tokens} (also when the model's context ends the output) */
    public record IncompleteDetails(String reason) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ReasoningConfig(String effort, String summary) {
    }

    /** {@code text} as a response echoes it: always plain text for now. */
    public record TextBody(FormatBody format) {
        public static final TextBody PLAIN = new TextBody(new FormatBody("text"));
    }

    public record FormatBody(String type) {
    }

    /** An item of {@code output}: the assistant's message, a thinking model's reasoning before it, or a function call. */
    public sealed interface OutputItem permits MessageItem, ReasoningItem, FunctionCallItem {
        String id();
    }

    /**
     * A call of a function tool: {@code id} {@code fc_…} names the item, {@code call_id} {@code call_…} is what a
     * {@code function_call_output} answers.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record FunctionCallItem(String id, String type, String status, String arguments,
                                   @JsonProperty("call_id") String callId, String name) implements OutputItem {
        public FunctionCallItem(String id, String status, String arguments, String callId, String name) {
            this(id, "function_call", status, arguments, callId, name);
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record MessageItem(String id, String type, String status, String role, List<OutputText> content)
            implements OutputItem {
        public MessageItem(String id, String status, List<OutputText> content) {
            this(id, "message", status, "assistant", content);
        }
    }

    /** @param content the reasoning text, as {@code reasoning_text} parts; {@code summary} is always empty */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ReasoningItem(String id, String type, List<Object> summary, List<ReasoningText> content,
                                String status) implements OutputItem {
        public ReasoningItem(String id, String status, List<ReasoningText> content) {
            this(id, "reasoning", List.of(), content, status);
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record OutputText(String type, String text, List<Object> annotations, List<Logprob> logprobs) {
        public OutputText(String text, List<Logprob> logprobs) {
            this("output_text", text, List.of(), logprobs);
        }
    }

    public record ReasoningText(String type, String text) {
        public ReasoningText(String text) {
            this("reasoning_text", text);
        }
    }

    /** @param bytes the token's UTF-8 bytes; null for a token holding part of a character (its text is U+FFFD) */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Logprob(String token, double logprob, List<Integer> bytes,
                          @JsonProperty("top_logprobs") List<TopLogprob> topLogprobs) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TopLogprob(String token, double logprob, List<Integer> bytes) {
    }

    /** @param outputTokensDetails {@code reasoning_tokens}: the output tokens spent before the answer began */
    public record ResponseUsage(@JsonProperty("input_tokens") int inputTokens,
                                @JsonProperty("input_tokens_details") InputTokensDetails inputTokensDetails,
                                @JsonProperty("output_tokens") int outputTokens,
                                @JsonProperty("output_tokens_details") OutputTokensDetails outputTokensDetails,
                                @JsonProperty("total_tokens") int totalTokens) {
        public static ResponseUsage of(int input, int output, int reasoning) {
            return new ResponseUsage(input, new InputTokensDetails(0, 0), output, new OutputTokensDetails(reasoning),
                    input + output);
        }
    }

    /**
     * @param cachedTokens     always 0: the engine's prefix cache does not report its hits per request
     * @param cacheWriteTokens always 0 (OpenAI's count of input tokens written to its prompt cache)
     */
    public record InputTokensDetails(@JsonProperty("cached_tokens") int cachedTokens,
                                     @JsonProperty("cache_write_tokens") int cacheWriteTokens) {
    }

    public record OutputTokensDetails(@JsonProperty("reasoning_tokens") int reasoningTokens) {
    }

    /** What {@code DELETE /v1/responses/{id}} answers. */
    public record DeletedResponse(String id, String object, boolean deleted) {
        public static DeletedResponse of(String id) {
            return new DeletedResponse(id, "response.deleted", true);
        }
    }
}
