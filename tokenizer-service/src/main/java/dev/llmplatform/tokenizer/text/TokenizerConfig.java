package dev.llmplatform.tokenizer.text;

import dev.llmplatform.contracts.Messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the tokenizer-service needs from a Hugging Face {@code tokenizer_config.json}.
 *
 * @param chatTemplate the Jinja chat template, or null when the model declares none
 * @param bosToken     text of the beginning-of-sequence token, or null
 * @param eosToken     text of the end-of-sequence token, or null
 * @param specialTokenIds ids {@code added_tokens_decoder} marks {@code "special": true}: Hugging Face adds them
 *                        to the tokenizer as special tokens, so decoding with {@code skip_special_tokens} drops
 *                        them even where {@code tokenizer.json} does not flag them
 */
public record TokenizerConfig(String chatTemplate, String bosToken, String eosToken, Set<Integer> specialTokenIds) {

    public static final TokenizerConfig NONE = new TokenizerConfig(null, null, null);

    public TokenizerConfig {
        specialTokenIds = specialTokenIds == null ? Set.of() : Set.copyOf(specialTokenIds);
    }

    public TokenizerConfig(String chatTemplate, String bosToken, String eosToken) {
        this(chatTemplate, bosToken, eosToken, Set.of());
    }

    /** The file's settings; {@link #NONE} when the package has no such file. */
    public static TokenizerConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static TokenizerConfig parse(String json) {
        Map<?, ?> config = Messages.mapper().readValue(json, Map.class);
        return new TokenizerConfig(template(config.get("chat_template")), tokenText(config.get("bos_token")),
                tokenText(config.get("eos_token")), specialIds(config.get("added_tokens_decoder")));
    }

    /** {@code added_tokens_decoder}: id (as a string key) → AddedToken object with {@code special}. */
    private static Set<Integer> specialIds(Object decoder) {
        Set<Integer> ids = new TreeSet<>();
        if (decoder instanceof Map<?, ?> tokens) {
            tokens.forEach((id, token) -> {
                if (token instanceof Map<?, ?> added && Boolean.TRUE.equals(added.get("special"))) {
                    try {
                        ids.add(Integer.parseInt(String.valueOf(id)));
                    } catch (NumberFormatException e) {
                        // not an id: nothing to skip
                    }
                }
            });
        }
        return ids;
    }

    /**
     * A string, or (newer exports) a list of named templates: the one named {@code default} is
     * the chat template; the others (such as {@code tool_use}) serve requests this API does not make.
     */
    private static String template(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof List<?> named) {
            return named.stream().filter(Map.class::isInstance).map(Map.class::cast)
                    .filter(entry -> "default".equals(entry.get("name")))
                    .map(entry -> entry.get("template")).filter(String.class::isInstance).map(String.class::cast)
                    .findFirst().orElse(null);
        }
        return null;
    }

    /** A token is written as its text or as an AddedToken object whose {@code content} is the text. */
    private static String tokenText(Object value) {
        if (value instanceof String text) {
            return text;
        }
        return value instanceof Map<?, ?> token && token.get("content") instanceof String text ? text : null;
    }
}
