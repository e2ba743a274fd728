package dev.llmplatform.gateway.tools;

import dev.llmplatform.constraint.ConstraintException;
import dev.llmplatform.constraint.Constraints;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.gateway.error.ApiException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A chat request's {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}, checked (a 400 naming the
 * parameter), and what follows from them: the tools the chat template lists, whether the output is read for calls,
 * and the constraint: for {@code required} or a named function one valid call, for {@code auto} valid calls once
 * they start.
 *
 * <p>{@code none}: the tools are not given to the template and the output is not read for calls (plain text).
 * {@code auto} (the default with tools): listed, the output read for calls; the model chooses between text and calls,
 * but a call that starts (its parser's opening text written) must be one of the tools' with valid arguments (for
 * parsers whose calls open with plain text, see {@link ToolCallParsers.Format#guardsAuto}; a tool whose schema the
 * compiler refuses gets any JSON object there, as {@code auto} promised no more; a {@code response_format} beside
 * {@code auto} is enforced instead). {@code required}: one
 * call of any of the tools, its arguments valid against that tool's schema; a named function: one call of it. An
 * enforced answer holds exactly one call, whatever {@code parallel_tool_calls} says; under {@code auto},
 * {@code parallel_tool_calls: false} lets the guard allow one call at most (text may follow it, another call not).
 *
 * @param tools    the function tools in OpenAI's shape, as the template gets them; empty for none
 * @param mode     none, auto, required or named
 * @param function the named function, or null
 * @param parallel whether an answer may hold several calls ({@code parallel_tool_calls}, default true)
 */
public record ToolCalling(List<Map<String, Object>> tools, Mode mode, String function, boolean parallel) {

    public enum Mode { NONE, AUTO, REQUIRED, NAMED }

    /** No tools: plain chat. */
    public static final ToolCalling NONE = new ToolCalling(List.of(), Mode.NONE, null);

    /** Calls in parallel allowed, as by default. */
    public ToolCalling(List<Map<String, Object>> tools, Mode mode, String function) {
        this(tools, mode, function, true);
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Reads the request's tool parameters; null or missing ones are left out. */
    public static ToolCalling of(JsonNode tools, JsonNode toolChoice, Boolean parallelToolCalls) {
        ToolCalling chosen = of(tools, toolChoice);
        return Boolean.FALSE.equals(parallelToolCalls) && chosen.mode != Mode.NONE
                ? new ToolCalling(chosen.tools, chosen.mode, chosen.function, false) : chosen;
    }

    private static ToolCalling of(JsonNode tools, JsonNode toolChoice) {
        boolean hasTools = tools != null && !tools.isNull();
        boolean hasChoice = toolChoice != null && !toolChoice.isNull();
        if (hasTools && (!tools.isArray() || tools.isEmpty())) {
            throw ApiException.invalid("tools", "tools must be a non-empty list of function tools");
        }
        List<JsonNode> functions = new ArrayList<>();
        List<Map<String, Object>> listed = new ArrayList<>();
        if (hasTools) {
            for (int i = 0; i < tools.size(); i++) {
                functions.add(function(tools.get(i), "tools[" + i + "]", functions));
                listed.add(asMap(tools.get(i)));
            }
        }
        if (functions.isEmpty()) {
            if (hasChoice && !"none".equals(toolChoice.asString(""))) {
                throw ApiException.invalid("tool_choice", "tool_choice is only allowed when tools are given");
            }
            return NONE;
        }
        if (!hasChoice) {
            return new ToolCalling(listed, Mode.AUTO, null);
        }
        if (toolChoice.isString()) {
            return switch (toolChoice.asString()) {
                case "none" -> new ToolCalling(listed, Mode.NONE, null);
                case "auto" -> new ToolCalling(listed, Mode.AUTO, null);
                case "required" -> checkedSchemas(new ToolCalling(listed, Mode.REQUIRED, null), functions);
                default -> throw ApiException.invalid("tool_choice", "tool_choice must be none, auto, required or "
                        + "{\"type\": \"function\", \"function\": {\"name\": …}}, got '" + toolChoice.asString() + "'");
            };
        }
        String name = toolChoice.path("function").path("name").asString(null);
        if (!toolChoice.isObject() || !"function".equals(toolChoice.path("type").asString("")) || name == null) {
            throw ApiException.invalid("tool_choice",
                    "tool_choice must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": …}}");
        }
        if (functions.stream().noneMatch(f -> f.path("name").asString("").equals(name))) {
            throw ApiException.invalid("tool_choice.function.name", "tool_choice names the function '" + name
                    + "', which is not among the tools");
        }
        return checkedSchemas(new ToolCalling(listed, Mode.NAMED, name), functions);
    }

    /** Whether the output is read for calls. */
    public boolean parsesCalls() {
        return mode != Mode.NONE;
    }

    /** The tools the chat template lists: none for {@code tool_choice: none}. */
    public List<Map<String, Object>> templateTools() {
        return mode == Mode.NONE || tools.isEmpty() ? null : tools;
    }

    /**
     * For {@code required} or a named function, the constraint of one call in the parser's format; for {@code auto},
     * text in which each call that starts is one of the tools' (where the parser {@linkplain
     * ToolCallParsers.Format#guardsAuto allows it}); else null.
     */
    public OutputConstraint constraint(String parser) {
        ToolCallParsers.Format format = ToolCallParsers.format(parser);
        if (mode == Mode.AUTO && format.guardsAuto()) {
            ObjectNode guarded = JSON.createObjectNode().put("open", format.open());
            if (!parallel) {
                guarded.put("max_calls", 1);
            }
            guarded.set("alternatives", alternatives(format, true));
            return OutputConstraint.toolCallsOrText(guarded.toString());
        }
        if (mode != Mode.REQUIRED && mode != Mode.NAMED) {
            return null;
        }
        return OutputConstraint.toolCall(alternatives(format, false).toString());
    }

    /** One alternative per callable tool; {@code lenient}: a schema the compiler refuses becomes any object. */
    private ArrayNode alternatives(ToolCallParsers.Format format, boolean lenient) {
        ArrayNode alternatives = JSON.createArrayNode();
        for (Map<String, Object> tool : tools) {
            JsonNode fn = JSON.valueToTree(tool).path("function");
            String name = fn.path("name").asString();
            if (mode == Mode.NAMED && !name.equals(function)) {
                continue;
            }
            JsonNode schema = parameters(fn);
            if (lenient && !compiles(schema)) {
                schema = JSON.createObjectNode().put("type", "object");
            }
            ObjectNode alternative = alternatives.addObject();
            alternative.put("before", format.before() + "{\"name\":\"" + name + "\",\"" + format.argumentsKey() + "\":");
            alternative.set("schema", schema);
            alternative.put("after", format.after());
        }
        return alternatives;
    }

    private static boolean compiles(JsonNode schema) {
        try {
            Constraints.compile(Constraints.jsonSchema(schema.toString()));
            return true;
        } catch (ConstraintException e) {
            return false;
        }
    }

    private static JsonNode function(JsonNode tool, String path, List<JsonNode> before) {
        if (tool == null || !tool.isObject() || !"function".equals(tool.path("type").asString(""))) {
            throw ApiException.invalid(path + ".type", path + " must be {\"type\": \"function\", \"function\": {…}}");
        }
        JsonNode fn = tool.get("function");
        if (fn == null || !fn.isObject()) {
            throw ApiException.invalid(path + ".function", path + " needs a function object");
        }
        String name = fn.path("name").asString("");
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid(path + ".function.name", path + ".function.name must be 1 to 64 letters, "
                    + "digits, underscores or dashes, got '" + name + "'");
        }
        if (before.stream().anyMatch(f -> f.path("name").asString("").equals(name))) {
            throw ApiException.invalid(path + ".function.name", "two tools are named '" + name + "'");
        }
        JsonNode parameters = fn.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw ApiException.invalid(path + ".function.parameters", path + ".function.parameters must be a JSON schema object");
        }
        if (parameters != null && parameters.isObject() && parameters.has("type")
                && !"object".equals(parameters.path("type").asString(""))) {
            throw ApiException.invalid(path + ".function.parameters", path + ".function.parameters must describe an object");
        }
        ObjectNode checked = ((ObjectNode) fn).deepCopy();
        checked.put("index", before.size());
        return checked;
    }

    /** Enforcement compiles each schema that may be called: a 400 naming the tool for one it cannot compile. */
    private static ToolCalling checkedSchemas(ToolCalling calling, List<JsonNode> functions) {
        for (JsonNode fn : functions) {
            if (calling.mode == Mode.NAMED && !fn.path("name").asString().equals(calling.function)) {
                continue;
            }
            String path = "tools[" + fn.path("index").asInt() + "].function.parameters";
            try {
                Constraints.compile(Constraints.jsonSchema(parameters(fn).toString()));
            } catch (ConstraintException e) {
                throw ApiException.invalid(path, e.getMessage());
            }
        }
        return calling;
    }

    /** A function's parameters; none is any object. */
    private static JsonNode parameters(JsonNode fn) {
        JsonNode parameters = fn.get("parameters");
        return parameters == null || parameters.isNull() ? JSON.createObjectNode().put("type", "object") : parameters;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(JsonNode tool) {
        return new LinkedHashMap<>(JSON.treeToValue(tool, Map.class));
    }
}
