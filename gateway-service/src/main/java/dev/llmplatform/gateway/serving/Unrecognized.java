package dev.llmplatform.gateway.serving;

import dev.llmplatform.gateway.error.ApiException;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * Refuses fields a request body may not carry. The request records collect every field they do
 * not declare ({@code @JsonAnySetter}) instead of dropping it, so a parameter the platform does not
 * implement is answered with OpenAI's 400 naming it rather than silently ignored.
 */
public final class Unrecognized {

    private Unrecognized() {
    }

    /** @param prefix the path of the object in the body, e.g. {@code stream_options.}, or "" at the top */
    public static void refuse(Map<String, JsonNode> unrecognized, String prefix) {
        if (unrecognized == null || unrecognized.isEmpty()) {
            return;
        }
        List<String> names = unrecognized.keySet().stream().sorted().map(name -> prefix + name).toList();
        String message = names.size() == 1
                ? "Unrecognized request argument supplied: " + names.getFirst()
                : "Unrecognized request arguments supplied: " + String.join(", ", names);
        throw ApiException.invalid(names.getFirst(), message);
    }
}
