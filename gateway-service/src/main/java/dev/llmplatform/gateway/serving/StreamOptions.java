package dev.llmplatform.gateway.serving;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.util.Map;

/** {@code include_usage}: one more chunk before {@code [DONE]} with empty choices and the usage. */
public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage,
                            @JsonAnySetter @Schema(hidden = true) Map<String, JsonNode> unrecognized) {
}
