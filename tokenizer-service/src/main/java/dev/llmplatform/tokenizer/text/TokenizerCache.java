package dev.llmplatform.tokenizer.text;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelKind;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Tokenizers of the model store's packages, loaded on first use and kept per model name and
 * version (a published version never changes). The least recently used are dropped beyond
 * {@code capacity}; a dropped tokenizer still in use stays valid until the last user lets go.
 */
public final class TokenizerCache {

    /** Context length assumed for encoder models whose config.json does not say. */
    private static final int ENCODER_MAX_LENGTH = 512;
    private static final Logger log = LoggerFactory.getLogger(TokenizerCache.class);

    private final ModelStore store;
    private final Map<String, ModelTokenizer> loaded;

    public TokenizerCache(ModelStore store, int capacity) {
        this.store = store;
        this.loaded = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ModelTokenizer> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The model named by {@code reference}: {@code name} for its latest version, or
     * {@code name:version}. Empty when no such complete package exists (or the name is invalid).
     */
    public Optional<ModelTokenizer> resolve(String reference) {
        int colon = reference.lastIndexOf(':');
        String name = colon < 0 ? reference : reference.substring(0, colon);
        if (!ModelStore.isSafeName(name)) {
            return Optional.empty();
        }
        if (colon >= 0) {
            return get(name, reference.substring(colon + 1));
        }
        return store.latestVersion(name).flatMap(version -> get(name, version));
    }

    /** One exact version; empty when it is not in the store. */
    public Optional<ModelTokenizer> get(String name, String version) {
        if (!ModelStore.isSafeName(name) || !ModelStore.isSafeName(version)) {
            return Optional.empty();
        }
        String key = name + ":" + version;
        synchronized (loaded) {
            ModelTokenizer cached = loaded.get(key);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        // Loaded outside the lock; if two threads race, both get the one that went in first.
        return store.open(name, version).map(TokenizerCache::load).map(model -> {
            synchronized (loaded) {
                return loaded.computeIfAbsent(key, k -> model);
            }
        });
    }

    private static ModelTokenizer load(ModelPackage pkg) {
        ModelConfig config = ModelKind.isEncoder(pkg.kind()) ? null : pkg.decoderConfig();
        try {
            TokenizerConfig tokenizerConfig = TokenizerConfig.read(pkg.dir().resolve(ModelPackage.TOKENIZER_CONFIG));
            int encoderLength = pkg.contextLength() > 0 ? pkg.contextLength() : ENCODER_MAX_LENGTH;
            HfTokenizer tokenizer = HfTokenizer.load(pkg.tokenizerFile(),
                    config == null ? encoderLength : config.contextLength(), tokenizerConfig.specialTokenIds());
            Optional<ChatTemplate> template = chatTemplate(pkg, tokenizerConfig, tokenizer);
            OptionalInt endOfTurn = template.flatMap(ChatTemplate::endOfTurnToken)
                    .map(tokenizer::specialTokenId).orElse(OptionalInt.empty());
            return new ModelTokenizer(pkg.name(), pkg.version(), pkg.kind(), tokenizer, config, template, endOfTurn);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer of " + pkg.name() + ":" + pkg.version(), e);
        }
    }

    /**
     * The model's own {@code chat_template}; ChatML only as a fallback for a tokenizer that has
     * ChatML's markers but declares no template (packages written before templates were rendered).
     */
    private static Optional<ChatTemplate> chatTemplate(ModelPackage pkg, TokenizerConfig config, HfTokenizer tokenizer) {
        if (config.chatTemplate() != null) {
            return Optional.of(new ChatTemplate(config.chatTemplate(), config.bosToken(), config.eosToken()));
        }
        if (tokenizer.specialTokenId(SpecialTokens.IM_START).isPresent()
                && tokenizer.specialTokenId(SpecialTokens.IM_END).isPresent()) {
            log.info("{}:{} declares no chat_template; chats use ChatML, which its tokenizer has", pkg.name(), pkg.version());
            return Optional.of(ChatTemplate.chatMl(config.bosToken(), config.eosToken()));
        }
        return Optional.empty();
    }
}
