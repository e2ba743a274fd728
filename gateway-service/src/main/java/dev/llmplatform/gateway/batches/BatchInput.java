package dev.llmplatform.gateway.batches;

import dev.llmplatform.contracts.ErrorInfo;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The lines of a batch checked against OpenAI's batch input format:
 * {@code {"custom_id":"…","method":"POST","url":"/v1/completions"|"/v1/chat/completions","body":{…}}}.
 * A line that breaks it keeps its place with the 400 it is answered with; the body itself is checked
 * later by the endpoint's own validator, when the line runs.
 */
final class BatchInput {

    static final String COMPLETIONS = "/v1/completions";
    static final String CHAT = "/v1/chat/completions";

    /** One input line; {@code error} set when it cannot run (then the other fields may be null). */
    record Line(int index, String customId, String url, JsonNode body, ErrorInfo error) {
    }

    private BatchInput() {
    }

    /** Non-blank lines of a JSONL upload: what {@code request_counts.total} counts. */
    static List<String> jsonlLines(String upload) {
        List<String> lines = new ArrayList<>();
        for (String line : (upload == null ? "" : upload).split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    static List<Line> fromJsonl(List<String> lines, JsonMapper json) {
        List<JsonNode> nodes = new ArrayList<>(lines.size());
        List<ErrorInfo> unreadable = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            try {
                nodes.add(json.readTree(lines.get(i)));
                unreadable.add(null);
            } catch (JacksonException e) {
                nodes.add(null);
                unreadable.add(ErrorInfo.invalidRequest("Line " + (i + 1) + " is not valid JSON: "
                        + e.getOriginalMessage(), null));
            }
        }
        return check(nodes, unreadable);
    }

    static List<Line> fromJson(List<JsonNode> input) {
        List<ErrorInfo> none = new ArrayList<>(input.size());
        input.forEach(node -> none.add(null));
        return check(input, none);
    }

    private static List<Line> check(List<JsonNode> nodes, List<ErrorInfo> unreadable) {
        Set<String> seen = new HashSet<>();
        List<Line> lines = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            lines.add(unreadable.get(i) != null ? new Line(i, null, null, null, unreadable.get(i))
                    : line(i, nodes.get(i), seen));
        }
        return lines;
    }

    private static Line line(int index, JsonNode node, Set<String> seen) {
        if (node == null || !node.isObject()) {
            return invalid(index, null, null, "Each line must be a JSON object with custom_id, method, url and body");
        }
        String customId = text(node, "custom_id");
        if (customId == null || customId.isEmpty()) {
            return invalid(index, null, "custom_id", "custom_id must be a non-empty string");
        }
        if (!seen.add(customId)) {
            return invalid(index, customId, "custom_id", "custom_id '" + customId + "' is used by an earlier line;"
                    + " each line needs its own");
        }
        if (!"POST".equals(text(node, "method"))) {
            return invalid(index, customId, "method", "method must be POST");
        }
        String url = text(node, "url");
        if (!COMPLETIONS.equals(url) && !CHAT.equals(url)) {
            return invalid(index, customId, "url", "url must be " + COMPLETIONS + " or " + CHAT + ", got " + url);
        }
        JsonNode body = node.get("body");
        if (body == null || !body.isObject()) {
            return invalid(index, customId, "body", "body must be the JSON object the endpoint takes");
        }
        JsonNode stream = body.get("stream");
        if (stream != null && stream.isBoolean() && stream.booleanValue()) {
            // A batch collects whole answers; a stream would have nowhere to go.
            return invalid(index, customId, "body.stream", "stream is not supported in a batch");
        }
        return new Line(index, customId, url, body, null);
    }

    /** The field's text when it is a JSON string, else null. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.asString() : null;
    }

    private static Line invalid(int index, String customId, String param, String message) {
        return new Line(index, customId, null, null, ErrorInfo.invalidRequest(message, param));
    }
}
