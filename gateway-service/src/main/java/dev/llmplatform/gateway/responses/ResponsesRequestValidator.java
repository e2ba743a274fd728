package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponsesRequest;
import dev.llmplatform.gateway.responses.ResponsesProtocol.TextConfig;
import dev.llmplatform.gateway.serving.SamplingValidator;
import dev.llmplatform.gateway.serving.Unrecognized;
import dev.llmplatform.gateway.tools.ToolCalling;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a Responses request: the sampling surface chat uses ({@link SamplingValidator}), then what
 * only this API has; function tools as chat's ({@link ResponseTools}). What OpenAI offers and the platform
 * does not do yet (hosted tools, background mode, reasoning settings, automatic truncation) is a 400 naming
 * the parameter, never silently ignored.
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
     * @param input    the messages of {@code input} only (what a later {@code previous_response_id} replays)
     * @param tools    the function tools and tool_choice, as chat's
     * @param enforced the constraint of one call for tool_choice required or named, else null
     */
    record Checked(RegisteredModel model, List<ChatMessage> input, Integer topLogprobs, ToolCalling tools,
                   OutputConstraint enforced) {
    }

    Checked validate(ResponsesRequest request) {
        return validate(request, List.of());
    }

    /** @param history the stored turns {@code previous_response_id} names, whose calls the input may answer */
    Checked validate(ResponsesRequest request, List<ChatMessage> history) {
        sampling.checkBody(request);
        if (request.stop() != null && request.stop().isEmpty()) {
            throw ApiException.invalid("stop", "stop must hold at least one sequence when given");
        }
        checkUnsupported(request);
        checkText(request.text());
        checkMetadata(request.metadata());
        ToolCalling tools = ResponseTools.of(request.tools(), request.toolChoice(), request.parallelToolCalls());
        List<ChatMessage> input = ResponseInput.messages(request.input(), history);
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
        OutputConstraint enforced = tools.constraint(model.toolCallParser());
        if (tools.mode() == ToolCalling.Mode.AUTO && request.structuredOutput() != null) {
            enforced = null;   // auto guards calls only; the requested format is what the output must be
        }
        if (enforced != null && request.structuredOutput() != null) {
            throw ApiException.invalid("tool_choice", "tool_choice " + tools.mode().name().toLowerCase(Locale.ROOT)
                    + " enforces a tool call, which cannot be combined with " + request.structuredOutput().param());
        }
        return new Checked(model, input, request.wantsLogprobs() ? (top == null ? 0 : top) : null, tools, enforced);
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
