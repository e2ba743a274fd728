package dev.llmplatform.gateway.completions;

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

/** {@code /v1/completions} in OpenAI's JSON shape (snake_case), with vLLM's sampling extensions. */
public final class CompletionsProtocol {

    public static final String OBJECT = "text_completion";

    private CompletionsProtocol() {
    }

    /**
     * The request body. Unset fields are null so the gateway can tell "left out" from a value.
     * {@code stop} takes a string or a list of strings; {@code prompt} is kept as JSON so the
     * validator can explain what it accepts (a string, or a list of one string). Any other field
     * lands in {@code unrecognized} and is refused with a 400 naming it.
     *
     * @param logprobs top alternatives per token, 0..5; null for no logprobs
     * @param echo     prepend the prompt to the completion; with {@code logprobs}, its tokens' logprobs come first too
     * @param priority vLLM's: scheduling priority, lower served first (default 0, or the API key's)
     * @param responseFormat      OpenAI's {@code {"type":"text"|"json_object"|"json_schema","json_schema":{"name","schema","strict"}}}:
     *                            the output is constrained token by token to valid JSON (of the schema)
     * @param structuredOutputs   vLLM's {@code {"json": schema}}, {@code {"regex": "…"}}, {@code {"choice": […]}} or
     *                            {@code {"json_object": true}}; {@code guided_json}/{@code guided_regex}/{@code guided_choice}
     *                            are its older names. At most one of these constraints per request
     */
    public record CompletionRequest(
            String model,
            JsonNode prompt,
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
            Integer logprobs,
            Boolean echo,
            String user,
            @JsonProperty("min_tokens") Integer minTokens,
            @JsonProperty("ignore_eos") Boolean ignoreEos,
            Integer priority,
            @JsonProperty("response_format") JsonNode responseFormat,
            @JsonProperty("structured_outputs") JsonNode structuredOutputs,
            @JsonProperty("guided_json") JsonNode guidedJson,
            @JsonProperty("guided_regex") String guidedRegex,
            @JsonProperty("guided_choice") List<String> guidedChoice,
            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) implements SamplingRequest {

        /** {@code response_format}, vLLM's {@code structured_outputs} or its older {@code guided_*}; null for free text. */
        @Override
        public StructuredOutputs.Requested structuredOutput() {
            return StructuredOutputs.of(responseFormat, structuredOutputs, guidedJson, guidedRegex, guidedChoice);
        }

        @Override
        public Integer requestedMaxTokens() {
            return maxTokens;
        }

        public boolean isEcho() {
            return Boolean.TRUE.equals(echo);
        }
    }

    public record CompletionResponse(String id, String object, long created, String model, List<Choice> choices,
                                     UsageBody usage) {
        public static CompletionResponse of(ResponseId id, List<Choice> choices, UsageBody usage) {
            return new CompletionResponse(id.id(), OBJECT, id.created(), id.model(), choices, usage);
        }
    }

    /** One streamed piece; {@code usage} only appears on the extra chunk {@code include_usage} asks for. */
    public record CompletionChunk(String id, String object, long created, String model, List<Choice> choices,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) UsageBody usage) {
        public static CompletionChunk of(ResponseId id, Choice choice) {
            return new CompletionChunk(id.id(), OBJECT, id.created(), id.model(), List.of(choice), null);
        }

        public static CompletionChunk usageOnly(ResponseId id, UsageBody usage) {
            return new CompletionChunk(id.id(), OBJECT, id.created(), id.model(), List.of(), usage);
        }
    }

    /** A choice; {@code logprobs} and {@code finish_reason} are written as null until there is a value. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(int index, String text, Logprobs logprobs, @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * OpenAI's legacy logprobs, one entry per token in each list.
     *
     * @param topLogprobs each token's alternatives, token text → logprob, most likely first
     * @param textOffset  where each token's text begins in the choice's text (code points)
     */
    public record Logprobs(List<String> tokens,
                           @JsonProperty("token_logprobs") List<Double> tokenLogprobs,
                           @JsonProperty("top_logprobs") List<Map<String, Double>> topLogprobs,
                           @JsonProperty("text_offset") List<Integer> textOffset) {
    }
}
