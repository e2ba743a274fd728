package dev.llmplatform.gateway.openapi;

import dev.llmplatform.gateway.chat.ChatProtocol.ChatChunk;
import dev.llmplatform.gateway.chat.ChatProtocol.ChatCompletion;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionChunk;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionResponse;
import dev.llmplatform.gateway.error.ApiErrorBody;
import dev.llmplatform.gateway.serving.RequestTimeout;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What springdoc cannot read from the controllers: summaries, response media types (JSON or an
 * event stream), example bodies, and the errors every {@code /v1} endpoint may answer with. An
 * endpoint without an entry here is still documented, with the common errors.
 */
class ApiDocsCustomizer implements OpenApiCustomizer {

    private static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;
    private static final String EVENT_STREAM = org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE;
    private static final Set<String> GENERATING = Set.of("POST /v1/completions", "POST /v1/chat/completions",
            "POST /v1/responses");

    private final JsonMapper json = JsonMapper.builder().build();

    @Override
    public void customise(OpenAPI api) {
        var components = api.getComponents();
        ModelConverters converters = ModelConverters.getInstance(true);
        for (Class<?> type : new Class<?>[]{CompletionResponse.class, CompletionChunk.class, ChatCompletion.class,
                ChatChunk.class, ApiErrorBody.class}) {
            converters.readAll(new AnnotatedType(type)).forEach(components::addSchemas);
        }
        promptAsTextOrList(api);
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                describe(method.name() + " " + path, operation)));
    }

    private void describe(String endpoint, Operation operation) {
        ApiResponses responses = operation.getResponses();
        switch (endpoint) {
            case "POST /v1/completions" -> {
                named(operation, "completions", "createCompletion",
                        "Completes a prompt; with \"stream\": true the answer is a stream of server-sent events");
                operation.getRequestBody().getContent().get(JSON)
                        .addExamples("simple", example("Sampling settings", ApiExamples.COMPLETION_REQUEST, true))
                        .addExamples("stream", example("Streamed, with usage", ApiExamples.COMPLETION_STREAM_REQUEST, true));
                responses.addApiResponse("200", new ApiResponse().description("The completion, or its event stream")
                        .content(new Content()
                                .addMediaType(JSON, new MediaType().schema(ref("CompletionResponse"))
                                        .addExamples("completion", example(null, ApiExamples.COMPLETION_RESPONSE, true)))
                                .addMediaType(EVENT_STREAM, new MediaType().schema(new StringSchema()
                                                .description("data: lines, each a CompletionChunk, ending with data: [DONE]"))
                                        .addExamples("stream", example(null, ApiExamples.COMPLETION_STREAM, false)))));
            }
            case "POST /v1/chat/completions" -> {
                named(operation, "chat", "createChatCompletion",
                        "Answers a conversation; with \"stream\": true the answer is a stream of server-sent events");
                operation.getRequestBody().getContent().get(JSON)
                        .addExamples("simple", example("Sampling settings, two choices", ApiExamples.CHAT_REQUEST, true))
                        .addExamples("stream", example("Streamed, with logprobs and usage", ApiExamples.CHAT_STREAM_REQUEST, true));
                responses.addApiResponse("200", new ApiResponse().description("The chat completion, or its event stream")
                        .content(new Content()
                                .addMediaType(JSON, new MediaType().schema(ref("ChatCompletion"))
                                        .addExamples("completion", example(null, ApiExamples.CHAT_RESPONSE, true)))
                                .addMediaType(EVENT_STREAM, new MediaType().schema(new StringSchema()
                                                .description("data: lines, each a ChatChunk, ending with data: [DONE]"))
                                        .addExamples("stream", example(null, ApiExamples.CHAT_STREAM, false)))));
            }
            case "POST /v1/tokenize" -> {
                named(operation, "tokenizer", "tokenize", "Token ids of a prompt, or of messages through the chat template");
                operation.getRequestBody().getContent().get(JSON)
                        .addExamples("prompt", example(null, ApiExamples.TOKENIZE_REQUEST, true));
                jsonOk(responses, "The tokens", ApiExamples.TOKENIZE_RESPONSE);
            }
            case "POST /v1/detokenize" -> {
                named(operation, "tokenizer", "detokenize", "The text of token ids");
                operation.getRequestBody().getContent().get(JSON)
                        .addExamples("tokens", example(null, ApiExamples.DETOKENIZE_REQUEST, true));
                jsonOk(responses, "The text", ApiExamples.DETOKENIZE_RESPONSE);
            }
            case "GET /v1/models" -> {
                named(operation, "models", "listModels", "Lists the served models");
                jsonOk(responses, "The models", ApiExamples.MODEL_LIST);
            }
            case "GET /v1/models/{id}" -> {
                named(operation, "models", "retrieveModel", "Describes one model");
                jsonOk(responses, "The model", ApiExamples.MODEL_CARD);
                error(responses, "404", "No such model", ApiExamples.MODEL_NOT_FOUND);
            }
            default -> {
                // documented by its controller (or as springdoc found it); the common errors still apply
            }
        }
        if (endpoint.contains(" /v1/")) {
            commonErrors(endpoint, operation, responses);
        }
        if (operation.getParameters() != null) {
            operation.getParameters().stream().filter(p -> RequestTimeout.HEADER.equals(p.getName()))
                    .forEach(p -> p.description("Seconds (decimals allowed) this request may take; it can only shorten"
                            + " the gateway's llm.gateway.request-timeout"));
        }
    }

    private void commonErrors(String endpoint, Operation operation, ApiResponses responses) {
        if (operation.getRequestBody() != null) {
            error(responses, "400", "Invalid request, naming the parameter", ApiExamples.INVALID_REQUEST);
            error(responses, "413", "Body over llm.gateway.limits.max-body-size", ApiExamples.BODY_TOO_LARGE);
        }
        error(responses, "401", "Missing or wrong API key (only when keys are enabled)", ApiExamples.INVALID_API_KEY);
        error(responses, "429", "Request or token rate limit reached; see Retry-After", ApiExamples.RATE_LIMITED);
        if (GENERATING.contains(endpoint)) {
            error(responses, "404", "No such model", ApiExamples.MODEL_NOT_FOUND);
            error(responses, "503", "Too many generations in flight on this instance; see Retry-After", ApiExamples.OVERLOADED);
            error(responses, "504", "The generation passed its deadline", ApiExamples.TIMED_OUT);
        }
    }

    private static void named(Operation operation, String tag, String id, String summary) {
        operation.setTags(new ArrayList<>(List.of(tag)));
        operation.setOperationId(id);
        operation.setSummary(summary);
    }

    private void jsonOk(ApiResponses responses, String description, String example) {
        ApiResponse ok = responses.get("200");
        MediaType media = ok.getContent().values().iterator().next();   // springdoc's */* with the schema
        ok.description(description).content(new Content().addMediaType(JSON,
                media.addExamples("example", example(null, example, true))));
    }

    private void error(ApiResponses responses, String status, String description, String example) {
        if (responses.containsKey(status)) {
            return;
        }
        responses.addApiResponse(status, new ApiResponse().description(description).content(new Content()
                .addMediaType(JSON, new MediaType().schema(ref("ApiErrorBody"))
                        .addExamples("error", example(null, example, true)))));
    }

    /** {@code prompt} is kept as a JSON node by the protocol; to a client it is text or token ids, one or a list. */
    private static void promptAsTextOrList(OpenAPI api) {
        Schema<?> request = api.getComponents().getSchemas().get("CompletionRequest");
        if (request != null && request.getProperties() != null && request.getProperties().containsKey("prompt")) {
            request.getProperties().put("prompt", new Schema<>()
                    .oneOf(List.of(new StringSchema(), new ArraySchema().items(new StringSchema()).minItems(1),
                            new ArraySchema().items(new IntegerSchema()).minItems(1),
                            new ArraySchema().items(new ArraySchema().items(new IntegerSchema()).minItems(1)).minItems(1)))
                    .description("What to complete: a string, a list of strings, a list of token ids, or a list of "
                            + "lists of token ids (used as they are); each prompt of a list is completed n times "
                            + "(choice p × n + j is prompt p's j-th; at most 64 choices in all)"));
            boolean stillUsed = false;
            for (Schema<?> schema : api.getComponents().getSchemas().values()) {
                if (schema.getProperties() != null) {
                    stillUsed |= schema.getProperties().values().stream()
                            .anyMatch(property -> "#/components/schemas/JsonNode".equals(property.get$ref()));
                }
            }
            if (!stillUsed) {
                api.getComponents().getSchemas().remove("JsonNode");
            }
        }
    }

    private static Schema<?> ref(String name) {
        return new Schema<>().$ref("#/components/schemas/" + name);
    }

    /** Example values as plain maps and lists, which any JSON writer (springdoc's Jackson 2 too) renders as JSON. */
    private Example example(String summary, String body, boolean isJson) {
        Object value = isJson ? json.readValue(body, Object.class) : body;
        return new Example().summary(summary).value(value);
    }
}
