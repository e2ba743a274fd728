package dev.llmplatform.gateway.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmplatform.gateway.responses.ResponsesProtocol.Logprob;
import dev.llmplatform.gateway.responses.ResponsesProtocol.OutputItem;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponseBody;

import java.util.List;

/**
 * The semantic events of a streamed response, as OpenAI sends them: each is an SSE event named by
 * its {@code type}, numbered by {@code sequence_number} from 0.
 */
public final class ResponsesEvents {

    public static final String CREATED = "response.created";
    public static final String IN_PROGRESS = "response.in_progress";
    public static final String COMPLETED = "response.completed";
    public static final String INCOMPLETE = "response.incomplete";
    public static final String FAILED = "response.failed";
    public static final String ITEM_ADDED = "response.output_item.added";
    public static final String ITEM_DONE = "response.output_item.done";
    public static final String PART_ADDED = "response.content_part.added";
    public static final String PART_DONE = "response.content_part.done";
    public static final String TEXT_DELTA = "response.output_text.delta";
    public static final String TEXT_DONE = "response.output_text.done";
    public static final String REASONING_DELTA = "response.reasoning_text.delta";
    public static final String REASONING_DONE = "response.reasoning_text.done";
    public static final String ARGUMENTS_DELTA = "response.function_call_arguments.delta";
    public static final String ARGUMENTS_DONE = "response.function_call_arguments.done";

    private ResponsesEvents() {
    }

    /** One event; {@link #type()} is also its SSE event name. */
    public sealed interface StreamEvent permits ResponseEvent, ItemEvent, PartEvent, TextDelta, TextDone,
            ArgumentsDelta, ArgumentsDone {
        String type();
    }

    /** created, in_progress, and the last one: completed, incomplete or failed. */
    public record ResponseEvent(String type, @JsonProperty("sequence_number") int sequenceNumber,
                                ResponseBody response) implements StreamEvent {
    }

    public record ItemEvent(String type, @JsonProperty("sequence_number") int sequenceNumber,
                            @JsonProperty("output_index") int outputIndex, OutputItem item) implements StreamEvent {
    }

    /** @param part an {@code output_text} or {@code reasoning_text} part */
    public record PartEvent(String type, @JsonProperty("sequence_number") int sequenceNumber,
                            @JsonProperty("item_id") String itemId, @JsonProperty("output_index") int outputIndex,
                            @JsonProperty("content_index") int contentIndex, Object part) implements StreamEvent {
    }

    /** @param logprobs the tokens of this delta (empty unless asked for); absent on reasoning text */
    public record TextDelta(String type, @JsonProperty("sequence_number") int sequenceNumber,
                            @JsonProperty("item_id") String itemId, @JsonProperty("output_index") int outputIndex,
                            @JsonProperty("content_index") int contentIndex, String delta,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<Logprob> logprobs) implements StreamEvent {
    }

    public record TextDone(String type, @JsonProperty("sequence_number") int sequenceNumber,
                           @JsonProperty("item_id") String itemId, @JsonProperty("output_index") int outputIndex,
                           @JsonProperty("content_index") int contentIndex, String text,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<Logprob> logprobs) implements StreamEvent {
    }

    /** A piece of a function call's arguments, as the model writes them. */
    public record ArgumentsDelta(String type, @JsonProperty("sequence_number") int sequenceNumber,
                                 @JsonProperty("item_id") String itemId, @JsonProperty("output_index") int outputIndex,
                                 String delta) implements StreamEvent {
    }

    public record ArgumentsDone(String type, @JsonProperty("sequence_number") int sequenceNumber,
                                @JsonProperty("item_id") String itemId, @JsonProperty("output_index") int outputIndex,
                                String name, String arguments) implements StreamEvent {
    }
}
