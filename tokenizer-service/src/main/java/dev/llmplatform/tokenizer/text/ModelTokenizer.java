package dev.llmplatform.tokenizer.text;

import dev.llmplatform.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One model version's tokenizer with what generation needs from its {@code config.json} and
 * {@code tokenizer_config.json}.
 *
 * @param config       the decoder architecture; null for encoder (embedding) models, which cannot generate
 * @param chatTemplate how {@code messages} become a prompt; empty when the model has no chat format
 * @param endOfTurnId  id of the token that ends an assistant turn ({@link ChatTemplate#endOfTurnToken()}),
 *                     when the tokenizer has it as a special token
 */
public record ModelTokenizer(String name, String version, String kind, HfTokenizer tokenizer, ModelConfig config,
                             Optional<ChatTemplate> chatTemplate, OptionalInt endOfTurnId) {

    public boolean canGenerate() {
        return config != null;
    }

    /** The context length a prompt and its completion share (what {@code /tokenize} reports). */
    public int maxModelLength() {
        return config != null ? config.contextLength() : tokenizer.maxLength();
    }

    /**
     * Ids that end a generation: every end-of-sequence id of the model ({@code config.json}'s and
     * {@code generation_config.json}'s {@code eos_token_id}, single or lists, joined by the package), and
     * for chat also the end-of-turn token.
     */
    public List<Integer> stopTokenIds(boolean chat) {
        List<Integer> ids = new ArrayList<>(config.eosTokenIds());
        if (chat && endOfTurnId.isPresent() && !ids.contains(endOfTurnId.getAsInt())) {
            ids.add(endOfTurnId.getAsInt());
        }
        return ids;
    }
}
