package dev.llmplatform.tokenizer.text;

import dev.llmplatform.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * One model version's tokenizer with what generation needs from its {@code config.json}.
 *
 * @param config the decoder architecture; null for encoder (embedding) models, which cannot generate
 * @param chatEndId id of {@code <|im_end|>} when the tokenizer has ChatML markers
 */
public record ModelTokenizer(String name, String version, String kind, HfTokenizer tokenizer, ModelConfig config,
                             OptionalInt chatStartId, OptionalInt chatEndId) {

    public boolean canGenerate() {
        return config != null;
    }

    public boolean supportsChatMl() {
        return chatStartId.isPresent() && chatEndId.isPresent();
    }

    /** Ids that end a generation: the model's EOS, and for chat also the end-of-turn marker. */
    public List<Integer> stopTokenIds(boolean chat) {
        List<Integer> ids = new ArrayList<>(List.of(config.eosTokenId()));
        if (chat && chatEndId.isPresent() && chatEndId.getAsInt() != config.eosTokenId()) {
            ids.add(chatEndId.getAsInt());
        }
        return ids;
    }
}
