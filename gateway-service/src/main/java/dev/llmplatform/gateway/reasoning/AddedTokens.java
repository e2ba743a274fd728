package dev.llmplatform.gateway.reasoning;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the {@code added_tokens} of a Hugging Face {@code tokenizer.json}, streaming past the rest (a vocabulary of
 * 150k entries and its merges), to find the id of a token such as {@code </think>}.
 */
public final class AddedTokens {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AddedTokens() {
    }

    /** The id of the added token whose content is exactly {@code content}; -1 when there is none. */
    public static int idOf(Path tokenizerJson, String content) {
        if (!Files.isRegularFile(tokenizerJson)) {
            return -1;
        }
        try (JsonParser parser = JSON.createParser(tokenizerJson.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (!"added_tokens".equals(field)) {
                    parser.skipChildren();
                    continue;
                }
                JsonNode tokens = parser.readValueAsTree();
                for (JsonNode token : tokens) {
                    if (content.equals(token.path("content").asString(null)) && token.path("id").isIntegralNumber()) {
                        return token.get("id").asInt();
                    }
                }
                return -1;
            }
            return -1;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }
}
