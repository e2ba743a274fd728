package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponsesRequest;
import dev.llmplatform.gateway.responses.ResponsesProtocol.TextConfig;
import dev.llmplatform.gateway.serving.SamplingValidator;
import dev.llmplatform.gateway.serving.Unrecognized;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a Responses request: the sampling surface chat uses ({@link SamplingValidator}), then what
 * only this API has. What OpenAI offers and the platform does not do yet (tools, hosted tools,
 * structured output, background mode, reasoning settings, automatic truncation) is a 400 naming the
 * parameter, never silently ignored.
 */
final class ResponsesRequestValidator {

    static final int MAX_TOP_LOGPROBS = 20;
    static final int MAX_METADATA = 16;

    private final SamplingValidator sampling;

    ResponsesRequestValidator(ModelRegistry registry) {
        this.sampling = new SamplingValidator(registry);
    }

    /**
     * The validated request.
     *
     * @param input the messages of {@code input} only (what a later {@code previous_response_id} replays)
     */
    record Checked(RegisteredModel model, List<ChatMessage> input, Integer topLogprobs) {
    }

    Checked validate(ResponsesRequest request) {
        sampling.checkBody(request);
        if (request.stop() != null && request.stop().isEmpty()) {
            throw ApiException.invalid("stop", "stop must hold at least one sequence when given");
        }
        checkUnsupported(request);
        checkText(request.text());
        checkMetadata(request.metadata());
        List<ChatMessage> input = ResponseInput.messages(request.input());
        if (request.instructions() != null && request.instructions().isBlank()) {
            throw ApiException.invalid("instructions", "instructions must not be blank when given");
        }
        Integer top = request.topLogprobs();
        if (top != null && (top < 0 || top > MAX_TOP_LOGPROBS)) {
            throw ApiException.invalid("top_logprobs", "top_logprobs must be in 0.." + MAX_TOP_LOGPROBS + ", got " + top);
        }
        if (request.include() != null) {
            for (int i = 0; i < request.include().size(); i++) {
                String value = request.include().get(i);
                if (!ResponsesProtocol.LOGPROBS_INCLUDE.equals(value)) {
                    throw ApiException.invalid("include", "include value '" + value + "' is not supported: only '"
                            + ResponsesProtocol.LOGPROBS_INCLUDE + "'");
                }
            }
        }
        RegisteredModel model = sampling.validate(request);
        return new Checked(model, input, request.wantsLogprobs() ? (top == null ? 0 : top) : null);
    }

    /** The conversation to generate from: instructions, then the earlier turns, then this input. */
    static List<ChatMessage> conversation(String instructions, List<ChatMessage> history, List<ChatMessage> input) {
        List<ChatMessage> messages = new ArrayList<>(history.size() + input.size() + 1);
        if (instructions != null) {
            messages.add(new ChatMessage("system", instructions));
        }
        messages.addAll(history);
        messages.addAll(input);
        return messages;
    }

    private static void checkUnsupported(ResponsesRequest request) {
        JsonNode tools = request.tools();
        if (tools != null && !tools.isNull() && !(tools.isArray() && tools.isEmpty())) {
            JsonNode type = tools.isArray() ? tools.get(0).get("type") : null;
            throw ApiException.invalid("tools", (type != null && type.isString()
                    ? "Tools of type '" + type.asString() + "' are" : "Tools are")
                    + " not supported yet: send no tools (function calling and hosted tools such as web_search"
                    + " and file_search are not implemented)");
        }
        JsonNode choice = request.toolChoice();
        if (choice != null && !choice.isNull()
                && !(choice.isString() && (choice.asString().equals("none") || choice.asString().equals("auto")))) {
            throw ApiException.invalid("tool_choice", "tool_choice must be \"none\" or \"auto\": tools are not supported yet");
        }
        if (Boolean.TRUE.equals(request.background())) {
            throw ApiException.invalid("background", "background mode is not supported yet: send background false or"
                    + " leave it out, and stream for long outputs");
        }
        JsonNode reasoning = request.reasoning();
        if (reasoning != null && !reasoning.isNull()) {
            boolean empty = reasoning.isObject() && reasoning.valueStream().allMatch(JsonNode::isNull);
            if (!empty) {
                throw ApiException.invalid("reasoning", "reasoning settings (effort, summary) are not supported yet:"
                        + " a thinking model thinks as its chat template lets it");
            }
        }
        String truncation = request.truncation();
        if (truncation != null && !truncation.equals("disabled")) {
            throw ApiException.invalid("truncation", "truncation '" + truncation + "' is not supported yet: only"
                    + " 'disabled' (an input over the model's context is a 400)");
        }
    }

    private static void checkText(TextConfig text) {
        if (text == null) {
            return;
        }
        Unrecognized.refuse(text.unrecognized(), "text.");
        if (text.format() == null) {
            return;
        }
        String type = text.format().type();
        if (!"text".equals(type) && !"json_object".equals(type) && !"json_schema".equals(type)) {
            throw ApiException.invalid("text.format.type", "text.format.type must be text, json_object or json_schema, got "
                    + (type == null ? "null" : "'" + type + "'"));
        }
        if ("json_schema".equals(type) && (text.format().name() == null || text.format().name().isBlank())) {
            throw ApiException.invalid("text.format.name", "text.format of type json_schema needs a name");
        }
        if ("json_schema".equals(type) && (text.format().schema() == null || !text.format().schema().isObject())) {
            throw ApiException.invalid("text.format.schema", "text.format of type json_schema needs a schema object");
        }
        Unrecognized.refuse(text.format().unrecognized(), "text.format.");
    }

    /** OpenAI's limits: 16 pairs, keys up to 64 characters, values up to 512. */
    private static void checkMetadata(Map<String, String> metadata) {
        if (metadata == null) {
            return;
        }
        if (metadata.size() > MAX_METADATA) {
            throw ApiException.invalid("metadata", "metadata may hold at most " + MAX_METADATA + " pairs, got "
                    + metadata.size());
        }
        metadata.forEach((key, value) -> {
            if (key.length() > 64 || value == null || value.length() > 512) {
                throw ApiException.invalid("metadata", "metadata keys must be at most 64 characters and values"
                        + " strings of at most 512, which '" + (key.length() > 64 ? key.substring(0, 64) + "…" : key)
                        + "' is not");
            }
        });
    }
}
