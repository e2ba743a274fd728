package dev.llmplatform.gateway.responses;

import dev.llmplatform.gateway.error.ApiErrorBody;
import dev.llmplatform.gateway.responses.ResponsesProtocol.DeletedResponse;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponseBody;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponsesRequest;
import dev.llmplatform.gateway.security.ClientIdentity;
import dev.llmplatform.gateway.serving.RequestTimeout;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/responses}, OpenAI's Responses API: create ({@code "stream": true} answers with named
 * server-sent events), retrieve and delete stored responses.
 */
@RestController
public class ResponsesController {

    private final ResponsesService service;

    public ResponsesController(ResponsesService service) {
        this.service = service;
    }

    @Operation(operationId = "createResponse", tags = "responses",
            summary = "Answers input messages; with \"stream\": true the answer is a stream of named server-sent events",
            requestBody = @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ResponsesRequest.class), examples = {
                    @ExampleObject(name = "simple", summary = "Instructions and a question",
                            value = ResponsesExamples.REQUEST),
                    @ExampleObject(name = "follow-up", summary = "Continuing a stored response, streamed",
                            value = ResponsesExamples.FOLLOW_UP_REQUEST)})),
            responses = @ApiResponse(responseCode = "200", description = "The response, or its event stream",
                    content = {
                            @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                                    schema = @Schema(implementation = ResponseBody.class),
                                    examples = @ExampleObject(name = "response", value = ResponsesExamples.RESPONSE)),
                            @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                                    schema = @Schema(type = "string", description = "event: <type> and data: {json}"
                                            + " pairs, sequence_number from 0, ending with response.completed,"
                                            + " response.incomplete or response.failed"),
                                    examples = @ExampleObject(name = "stream", value = ResponsesExamples.STREAM))}))
    @PostMapping(path = "/v1/responses", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> create(@org.springframework.web.bind.annotation.RequestBody ResponsesRequest request,
                                          @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout,
                                          ServerWebExchange exchange) {
        return service.create(request, timeout, ClientIdentity.of(exchange));
    }

    @Operation(operationId = "getResponse", tags = "responses",
            summary = "A stored response (404 when unknown, deleted, expired or stored by another gateway instance)",
            responses = {@ApiResponse(responseCode = "200", description = "The stored response", content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ResponseBody.class))),
                    @ApiResponse(responseCode = "404", description = "No such stored response", content = @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = ApiErrorBody.class)))})
    @GetMapping("/v1/responses/{id}")
    public Mono<ResponseBody> get(@PathVariable String id, ServerWebExchange exchange) {
        return service.find(id, ClientIdentity.of(exchange));
    }

    @Operation(operationId = "deleteResponse", tags = "responses", summary = "Forgets a stored response",
            responses = {@ApiResponse(responseCode = "200", description = "Deleted", content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = DeletedResponse.class))),
                    @ApiResponse(responseCode = "404", description = "No such stored response", content = @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = ApiErrorBody.class)))})
    @DeleteMapping("/v1/responses/{id}")
    public Mono<DeletedResponse> delete(@PathVariable String id, ServerWebExchange exchange) {
        return service.delete(id, ClientIdentity.of(exchange));
    }
}
