package dev.llmplatform.gateway.completions;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmplatform.contracts.Usage;
import tools.jackson.databind.JsonNode;

import java.util.List;

/** {@code /v1/completions} in OpenAI's JSON shape (snake_case), with vLLM's sampling extensions. */
public final class CompletionsProtocol {

    public static final String OBJECT = "text_completion";

    private CompletionsProtocol() {
    }

    /**
     * The request body. Unset fields are null so the gateway can tell "left out" from a value.
     * {@code stop} takes a string or a list of strings; {@code prompt} is kept as JSON so the
     * validator can explain what it accepts (a string, or a list of one string).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
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
            String user) {

        public boolean isStream() {
            return Boolean.TRUE.equals(stream);
        }

        public boolean includeUsageInStream() {
            return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
        }
    }

    /** {@code include_usage}: one more chunk before {@code [DONE]} with empty choices and the usage. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }

    /** The id, creation time (seconds) and model shared by the response or by every chunk of a stream. */
    public record CompletionId(String id, long created, String model) {
    }

    public record CompletionResponse(String id, String object, long created, String model, List<Choice> choices,
                                     UsageBody usage) {
        public static CompletionResponse of(CompletionId id, Choice choice, UsageBody usage) {
            return new CompletionResponse(id.id(), OBJECT, id.created(), id.model(), List.of(choice), usage);
        }
    }

    /** One streamed piece; {@code usage} only appears on the extra chunk {@code include_usage} asks for. */
    public record CompletionChunk(String id, String object, long created, String model, List<Choice> choices,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) UsageBody usage) {
        public static CompletionChunk of(CompletionId id, Choice choice) {
            return new CompletionChunk(id.id(), OBJECT, id.created(), id.model(), List.of(choice), null);
        }

        public static CompletionChunk usageOnly(CompletionId id, UsageBody usage) {
            return new CompletionChunk(id.id(), OBJECT, id.created(), id.model(), List.of(), usage);
        }
    }

    /** A choice; {@code logprobs} and {@code finish_reason} are written as null until there is a value. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Choice(int index, String text, Object logprobs, @JsonProperty("finish_reason") String finishReason) {
        public static Choice of(String text, String finishReason) {
            return new Choice(0, text, null, finishReason);
        }
    }

    public record UsageBody(@JsonProperty("prompt_tokens") int promptTokens,
                            @JsonProperty("completion_tokens") int completionTokens,
                            @JsonProperty("total_tokens") int totalTokens) {
        public static UsageBody of(Usage usage) {
            return new UsageBody(usage.promptTokens(), usage.completionTokens(), usage.totalTokens());
        }
    }
}
