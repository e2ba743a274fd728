package dev.llmplatform.gateway.messages;

import dev.llmplatform.gateway.messages.MessagesProtocol.CountTokensRequest;
import dev.llmplatform.gateway.messages.MessagesProtocol.CountTokensResponse;
import dev.llmplatform.gateway.messages.MessagesProtocol.ErrorResponse;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessageResponse;
import dev.llmplatform.gateway.messages.MessagesProtocol.MessagesRequest;
import dev.llmplatform.gateway.serving.RequestTimeout;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/messages} and {@code POST /v1/messages/count_tokens}, Anthropic-compatible: the key may
 * come as {@code x-api-key}, {@code anthropic-version} is accepted (any version: the shape served is the one
 * of 2023-06-01, which later versions keep), errors are Anthropic's.
 */
@RestController
@ApiResponse(responseCode = "400", description = "Invalid request; the message starts with the field",
        content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ErrorResponse.class),
                examples = @ExampleObject(name = "error", value = MessagesExamples.ERROR)))
@ApiResponse(responseCode = "401", description = "Missing or wrong API key (x-api-key or Bearer; only when keys are enabled)",
        content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ErrorResponse.class)))
@ApiResponse(responseCode = "404", description = "No such model (not_found_error)",
        content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ErrorResponse.class)))
@ApiResponse(responseCode = "413", description = "Body over llm.gateway.limits.max-body-size (request_too_large)",
        content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ErrorResponse.class)))
@ApiResponse(responseCode = "429", description = "Rate limit reached (rate_limit_error); see Retry-After",
        content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ErrorResponse.class)))
@ApiResponse(responseCode = "503", description = "Busy, or the model is being converted (overloaded_error); see Retry-After",
        content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ErrorResponse.class)))
public class MessagesController {

    static final String VERSION_HEADER = "anthropic-version";

    private final MessagesService service;

    public MessagesController(MessagesService service) {
        this.service = service;
    }

    @Operation(tags = "messages", operationId = "createMessage",
            summary = "Anthropic Messages: answers a conversation; with \"stream\": true as Anthropic's named"
                    + " server-sent events (message_start … message_stop)")
    @ApiResponse(responseCode = "200", description = "The message, or its event stream", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = MessageResponse.class),
                    examples = @ExampleObject(name = "message", value = MessagesExamples.RESPONSE)),
            @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string", description =
                    "event:/data: pairs: message_start, ping, content_block_start, content_block_delta (thinking_delta,"
                            + " text_delta), content_block_stop, message_delta (stop_reason, stop_sequence, usage),"
                            + " message_stop; a failure after the first event is an error event"),
                    examples = @ExampleObject(name = "stream", value = MessagesExamples.STREAM))})
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = MessagesRequest.class),
            examples = {@ExampleObject(name = "simple", summary = "Sampling settings", value = MessagesExamples.REQUEST),
                    @ExampleObject(name = "stream", summary = "Streamed, text blocks", value = MessagesExamples.STREAM_REQUEST)}))
    @PostMapping(path = "/v1/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> create(
            @RequestBody MessagesRequest request,
            @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout,
            @Parameter(description = "Accepted, any value") @RequestHeader(name = VERSION_HEADER, required = false) String version) {
        return service.create(request, timeout);
    }

    @Operation(tags = "messages", operationId = "countMessageTokens",
            summary = "Tokens of the prompt a Messages request renders (the model's chat template)")
    @ApiResponse(responseCode = "200", description = "The count", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = CountTokensResponse.class),
            examples = @ExampleObject(name = "count", value = MessagesExamples.COUNT_RESPONSE)))
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = CountTokensRequest.class),
            examples = @ExampleObject(name = "conversation", value = MessagesExamples.COUNT_REQUEST)))
    @PostMapping(path = "/v1/messages/count_tokens", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<CountTokensResponse> countTokens(
            @RequestBody CountTokensRequest request,
            @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout,
            @Parameter(description = "Accepted, any value") @RequestHeader(name = VERSION_HEADER, required = false) String version) {
        return service.countTokens(request, timeout);
    }
}
