package dev.llmplatform.gateway.chat;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmplatform.gateway.structured.StructuredOutputs;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.serving.SamplingRequest;
import dev.llmplatform.gateway.serving.StreamOptions;
import dev.llmplatform.gateway.serving.UsageBody;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** {@code /v1/chat/completions} in OpenAI's JSON shape (snake_case), with vLLM's sampling extensions. */
public final class ChatProtocol {

    public static final String OBJECT = "chat.completion";
    public static final String CHUNK_OBJECT = "chat.completion.chunk";
    public static final String ASSISTANT = "assistant";

    private ChatProtocol() {
    }

    /**
     * The request body; unset fields are null. Any field not declared here lands in
     * {@code unrecognized} and is refused with a 400 naming it.
     *
     * @param maxTokens           OpenAI's older name of {@code max_completion_tokens}
     * @param logprobs            true to return each token's logprob
     * @param topLogprobs         alternatives per token, 0..20 (needs {@code logprobs: true})
     * @param chatTemplateKwargs  vLLM's: extra variables for the model's chat template, e.g.
     *                            {@code {"enable_thinking": false}} for Qwen3
     * @param priority            vLLM's: scheduling priority, lower served first (default 0, or the API key's)
     * @param responseFormat      OpenAI's {@code {"type":"text"|"json_object"|"json_schema","json_schema":{"name","schema","strict"}}}:
     *                            the output is constrained token by token to valid JSON (of the schema)
     * @param structuredOutputs   vLLM's {@code {"json": schema}}, {@code {"regex": "…"}}, {@code {"choice": […]}} or
     *                            {@code {"json_object": true}}; {@code guided_json}/{@code guided_regex}/{@code guided_choice}
     *                            are its older names. At most one of these constraints per request
     * @param tools               function tools {@code {"type":"function","function":{"name","description","parameters"}}}
     * @param toolChoice          {@code none}, {@code auto}, {@code required} or {@code {"type":"function","function":{"name"}}}
     * @param parallelToolCalls   false: at most one call (the auto guard allows one; an enforced answer holds one anyway)
     */
    public record ChatRequest(
            String model,
            List<MessageBody> messages,
            @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
            @JsonProperty("max_tokens") Integer maxTokens,
            Double temperature,
            @JsonProperty("top_p") Double topP,
            @JsonProperty("top_k") Integer topK,
            @JsonProperty("min_p") Double minP,
            @JsonProperty("presence_penalty") Double presencePenalty,
            @JsonProperty("frequency_penalty") Double frequencyPenalty,
            @JsonProperty("repetition_penalty") Double repetitionPenalty,
            Long seed,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> stop,
            Boolean stream,
            @JsonProperty("stream_options") StreamOptions streamOptions,
            Integer n,
            @JsonProperty("logit_bias") Map<String, Double> logitBias,
            Boolean logprobs,
            @JsonProperty("top_logprobs") Integer topLogprobs,
            String user,
            @JsonProperty("min_tokens") Integer minTokens,
            @JsonProperty("ignore_eos") Boolean ignoreEos,
            @JsonProperty("chat_template_kwargs") Map<String, Object> chatTemplateKwargs,
            Integer priority,
            @JsonProperty("response_format") JsonNode responseFormat,
            @JsonProperty("structured_outputs") JsonNode structuredOutputs,
            @JsonProperty("guided_json") JsonNode guidedJson,
            @JsonProperty("guided_regex") String guidedRegex,
            @JsonProperty("guided_choice") List<String> guidedChoice,
            JsonNode tools,
            @JsonProperty("tool_choice") JsonNode toolChoice,
            @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) implements SamplingRequest {

        /** {@code response_format}, vLLM's {@code structured_outputs} or its older {@code guided_*}; null for free text. */
        @Override
        public StructuredOutputs.Requested structuredOutput() {
            return StructuredOutputs.of(responseFormat, structuredOutputs, guidedJson, guidedRegex, guidedChoice);
        }

        @Override
        public Integer requestedMaxTokens() {
            return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        }

        @Override
        public String maxTokensParam() {
            return maxCompletionTokens != null ? "max_completion_tokens" : "max_tokens";
        }

        @Override
        public boolean maxTokensDefaultsToContext() {
            return true;
        }

        public boolean wantsLogprobs() {
            return Boolean.TRUE.equals(logprobs);
        }
    }

    /**
     * One message of the conversation: role {@code system}, {@code developer} (read as system),
     * {@code user}, {@code assistant} or {@code tool}; content a string or a list of {@code {"type":"text"}} parts. An
     * assistant message may carry {@code tool_calls} (content then may be null), a tool message the {@code tool_call_id}
     * of the call it answers (an id no earlier assistant message made is a 400). An assistant message's {@code refusal}
     * (the official clients send their answer's back, null) is accepted and not rendered.
     */
    public record MessageBody(String role, @Schema(oneOf = {String.class, ContentPart[].class}) JsonNode content,
                              @JsonProperty("tool_calls") JsonNode toolCalls,
                              @JsonProperty("tool_call_id") String toolCallId,
                              @Schema(hidden = true) JsonNode refusal,
                              @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
    }

    /** For the OpenAPI document: the one kind of content part accepted. */
    public record ContentPart(String type, String text) {
    }

    public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices,
                                 UsageBody usage) {
        public static ChatCompletion of(ResponseId id, List<Choice> choices, UsageBody usage) {
            return new ChatCompletion(id.id(), OBJECT, id.created(), id.model(), choices, usage);
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(int index, Message message, Logprobs logprobs,
                         @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * The answer's message; {@code refusal} is always null (nothing is refused), written as OpenAI writes it.
     * {@code reasoning_content} (vLLM's and DeepSeek's name) holds what a thinking model wrote in its think block,
     * only for a model with a reasoning parser.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Message(String role, String content, String refusal,
                          @JsonProperty("reasoning_content") @JsonInclude(JsonInclude.Include.NON_NULL)
                          String reasoningContent,
                          @JsonProperty("tool_calls") @JsonInclude(JsonInclude.Include.NON_NULL)
                          List<ToolCallBody> toolCalls) {
        public Message(String role, String content, String refusal, String reasoningContent) {
            this(role, content, refusal, reasoningContent, null);
        }

        public static Message assistant(String content) {
            return new Message(ASSISTANT, content, null, null);
        }
    }

    /** A function call the answer makes; {@code arguments} is JSON text, as the model wrote it. */
    public record ToolCallBody(String id, String type, FunctionCall function) {
        public static ToolCallBody of(String id, String name, String arguments) {
            return new ToolCallBody(id, "function", new FunctionCall(name, arguments));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionCall(String name, String arguments) {
    }

    /**
     * A streamed piece of a call: {@code index} always; {@code id}, {@code type} and the function's name on its first
     * piece; then {@code function.arguments} fragments, which concatenated are the whole arguments.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolCallDelta(int index, String id, String type, FunctionCall function) {
    }

    /** One streamed piece; {@code usage} only appears on the extra chunk {@code include_usage} asks for. */
    public record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices,
                            @JsonInclude(JsonInclude.Include.NON_NULL) UsageBody usage) {
        public static ChatChunk of(ResponseId id, ChunkChoice choice) {
            return new ChatChunk(id.id(), CHUNK_OBJECT, id.created(), id.model(), List.of(choice), null);
        }

        public static ChatChunk usageOnly(ResponseId id, UsageBody usage) {
            return new ChatChunk(id.id(), CHUNK_OBJECT, id.created(), id.model(), List.of(), usage);
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ChunkChoice(int index, Delta delta, Logprobs logprobs,
                              @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * The role on a choice's first chunk, then content (and {@code reasoning_content}, for a model with a
     * reasoning parser); an empty delta on a last chunk that adds no text.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content, @JsonProperty("reasoning_content") String reasoningContent,
                        @JsonProperty("tool_calls") List<ToolCallDelta> toolCalls) {
        public Delta(String role, String content) {
            this(role, content, null, null);
        }

        public Delta(String role, String content, String reasoningContent) {
            this(role, content, reasoningContent, null);
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Logprobs(List<TokenLogprob> content, String refusal) {
    }

    /** @param bytes the token's UTF-8 bytes; null for a token holding only part of a character (its text is U+FFFD) */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TokenLogprob(String token, double logprob, List<Integer> bytes,
                               @JsonProperty("top_logprobs") List<TopLogprob> topLogprobs) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TopLogprob(String token, double logprob, List<Integer> bytes) {
    }
}
